variable "name" {
  type = string
}

variable "storage_slug" {
  type = string
}

variable "storage_key" {
  type = string
}

variable "path" {
  type    = string
  default = "/"
}

variable "tags" {
  type    = list(string)
  default = null
}

variable "metadata_layout" {
  type    = string
  default = "name_folder"
}

variable "extra_metadata_prefixes" {
  type    = list(string)
  default = null
}

variable "deletion_protection" {
  type    = bool
  default = false
}

variable "thumbnail_key" {
  type    = string
  default = null
}

variable "width" {
  type    = number
  default = null
}

variable "height" {
  type    = number
  default = null
}

resource "dataplatforms_v7_item" "test" {
  dataset_slug            = "sandbox-dataset"
  storage_slug            = var.storage_slug
  name                    = var.name
  path                    = var.path
  tags                    = var.tags == null ? null : toset(var.tags)
  metadata_layout         = var.metadata_layout
  extra_metadata_prefixes = var.extra_metadata_prefixes
  deletion_protection     = var.deletion_protection

  slots = [{
    slot_name             = "0"
    file_name             = var.name
    storage_key           = var.storage_key
    storage_thumbnail_key = var.thumbnail_key
    width                 = var.width
    height                = var.height
  }]
}
