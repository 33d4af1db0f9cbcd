variable "dataset_rid" {
  type = string
}

variable "path" {
  type = string
}

variable "content" {
  type    = string
  default = null
}

variable "source_file" {
  type    = string
  default = null
}

variable "deletion_protection" {
  type    = bool
  default = false
}

variable "delete_timeout" {
  type    = string
  default = "10m"
}

resource "dataplatforms_foundry_dataset_file" "test" {
  dataset_rid         = var.dataset_rid
  path                = var.path
  content             = var.content
  source              = var.source_file
  deletion_protection = var.deletion_protection

  timeouts = {
    delete = var.delete_timeout
  }
}
