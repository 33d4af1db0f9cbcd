variable "path" {
  type = string
}

variable "prefix" {
  type = string
}

variable "import_id" {
  type = string
}

# A set registered by a script before Terraform managed it, adopted by an import block.
import {
  to = dataplatforms_v7_item_set.test
  id = var.import_id
}

resource "dataplatforms_v7_item_set" "test" {
  dataset_slug = "sandbox-dataset"
  storage_slug = "sandbox-rw"
  path         = var.path
  source = {
    prefix = var.prefix
  }
}
