# The check `make demo` runs after its destroy: what examples/demo created, asked of the
# platforms through the provider's data sources. Every count is 0 when nothing is left.
terraform {
  required_providers {
    dataplatforms = {
      source = "registry.terraform.io/dataplatforms/dataplatforms"
    }
  }
}

variable "foundry_dataset_rid" {
  type = string
}

data "dataplatforms_v7_items" "demo" {
  dataset_slug = "sandbox-dataset"
  paths        = ["/demo"]
}

data "dataplatforms_foundry_dataset_files" "demo" {
  dataset_rid = var.foundry_dataset_rid
  path_prefix = "demo"
}

data "dataplatforms_codeocean_data_assets" "demo" {
  query = "tag:demo"
}

output "left" {
  value = {
    v7_items         = length(data.dataplatforms_v7_items.demo.items)
    foundry_files    = length(data.dataplatforms_foundry_dataset_files.demo.files)
    codeocean_assets = length([for a in data.dataplatforms_codeocean_data_assets.demo.assets : a if a.name == "demo scans"])
  }
}
