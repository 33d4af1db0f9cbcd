# The demo configuration `make demo` runs against the local sandbox. The sandbox's environment
# file points every platform and S3 at loopback, so the provider block needs nothing else.
# Platform resources join this file as each platform lands.
terraform {
  required_providers {
    dataplatforms = {
      source = "registry.terraform.io/dataplatforms/dataplatforms"
    }
  }
}

provider "dataplatforms" {
  retry {
    max_attempts = 3
    max_wait     = "30s"
  }
}

# A customer's scan (seeded by the sandbox) registered into V7 from a read-write storage
# connection. V7 writes its thumbnail and sections into the bucket; destroy removes the item
# and exactly those files, never the scan itself.
resource "dataplatforms_v7_item" "scan" {
  dataset_slug = "sandbox-dataset"
  storage_slug = "sandbox-rw"
  name         = "scan-0001.jpg"
  path         = "/demo"
  tags         = ["demo"]

  slots = [{
    slot_name   = "0"
    file_name   = "scan-0001.jpg"
    storage_key = "customer-data/scans/scan-0001.jpg"
  }]
}

data "dataplatforms_v7_items" "demo" {
  dataset_slug = "sandbox-dataset"
  paths        = ["/demo"]
  depends_on   = [dataplatforms_v7_item.scan]
}

output "v7_item_id" {
  value = dataplatforms_v7_item.scan.id
}

output "v7_metadata_bucket" {
  value = dataplatforms_v7_item.scan.metadata_scope.bucket
}

output "v7_metadata_prefix" {
  value = dataplatforms_v7_item.scan.metadata_scope.prefixes[0]
}

output "v7_items_in_demo_folder" {
  value = length(data.dataplatforms_v7_items.demo.items)
}

# A file in the sandbox's Foundry dataset (demo.sh passes the seeded RID from FOUNDRY_DATASET_RID):
# written in an UPDATE transaction, deleted at destroy in a DELETE transaction.
variable "foundry_dataset_rid" {
  type = string
}

resource "dataplatforms_foundry_dataset_file" "readme" {
  dataset_rid = var.foundry_dataset_rid
  path        = "demo/README.md"
  content     = "Written by make demo.\n"
}

output "foundry_file_transaction" {
  value = dataplatforms_foundry_dataset_file.readme.transaction_rid
}

# A record in the sandbox's YOUnite data-store domain "states".
resource "dataplatforms_younite_data_record" "state" {
  domain = "states"
  json   = jsonencode({ name = "Demo State", code = "DS" })
}

output "younite_dr_uuid" {
  value = dataplatforms_younite_data_record.state.id
}

# A Code Ocean data asset linked (not copied) from the sandbox bucket; nothing of the bucket is
# owned, so destroy deletes the asset and leaves the scan in place.
resource "dataplatforms_codeocean_data_asset" "scans" {
  name  = "demo scans"
  mount = "scans"
  tags  = ["demo"]

  source = {
    aws = {
      bucket                   = "sandbox-data"
      prefix                   = "customer-data/scans"
      keep_on_external_storage = true
    }
  }
}

output "codeocean_asset_files" {
  value = dataplatforms_codeocean_data_asset.scans.files
}

# A DANDI derivative version: pipeline v1.0.0 in the sandbox's dandiset 001697 and in a local
# clone that demo.sh builds (TF_VAR_dandi_clone). Destroy deletes its assets from the draft,
# then its local directories; the near-miss version-v1.0.00 stays.
variable "dandi_clone" {
  type = string
}

resource "dataplatforms_dandi_derivative_version" "v1_0_0" {
  dandiset_id        = "001697"
  dandiset_directory = var.dandi_clone
  version            = "v1.0.0"
}

output "dandi_directories" {
  value = dataplatforms_dandi_derivative_version.v1_0_0.directories
}

output "dandi_remote_assets" {
  value = dataplatforms_dandi_derivative_version.v1_0_0.remote_asset_count
}
