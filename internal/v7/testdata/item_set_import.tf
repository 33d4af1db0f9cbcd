variable "path" {
  type = string
}

variable "prefix" {
  type = string
}

variable "import_id" {
  type = string
}

variable "storage_slug" {
  type    = string
  default = "sandbox-rw"
}

variable "metadata_layout" {
  type    = string
  default = "name_folder"
}

variable "adopt_existing" {
  type    = bool
  default = false
}

# A set registered by a script before Terraform managed it, adopted by an import block.
import {
  to = dataplatforms_v7_item_set.test
  id = var.import_id
}

resource "dataplatforms_v7_item_set" "test" {
  dataset_slug    = "sandbox-dataset"
  storage_slug    = var.storage_slug
  path            = var.path
  metadata_layout = var.metadata_layout
  adopt_existing  = var.adopt_existing
  source = {
    prefix = var.prefix
  }
}
