variable "path" {
  type = string
}

variable "prefix" {
  type = string
}

variable "storage_slug" {
  type = string
}

variable "adopt_existing" {
  type    = bool
  default = false
}

resource "dataplatforms_v7_item_set" "test" {
  dataset_slug   = "sandbox-dataset"
  storage_slug   = var.storage_slug
  path           = var.path
  adopt_existing = var.adopt_existing
  source = {
    prefix  = var.prefix
    include = ["**/*.jpg"]
    exclude = ["tmp/**"]
  }
}
