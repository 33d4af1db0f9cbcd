variable "dandiset_id" {
  type    = string
  default = "001697"
}

variable "dandiset_directory" {
  type = string
}

variable "pipeline_version" {
  type = string
}

variable "dandiset_version" {
  type    = string
  default = "draft"
}

resource "dataplatforms_dandi_derivative_version" "test" {
  dandiset_id        = var.dandiset_id
  dandiset_directory = var.dandiset_directory
  version            = var.pipeline_version
  dandiset_version   = var.dandiset_version
}
