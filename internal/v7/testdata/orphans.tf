variable "source_folder" {
  type = string
}

variable "include_unconfirmed" {
  type    = bool
  default = false
}

data "dataplatforms_v7_orphaned_metadata" "test" {
  storage_slug  = "sandbox-rw"
  source_folder = var.source_folder
}

resource "dataplatforms_v7_orphaned_metadata_cleanup" "test" {
  storage_slug        = "sandbox-rw"
  source_folder       = var.source_folder
  include_unconfirmed = var.include_unconfirmed
}
