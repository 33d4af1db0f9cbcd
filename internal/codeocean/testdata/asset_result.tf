variable "name" {
  type = string
}

variable "computation_id" {
  type = string
}

variable "bucket" {
  type = string
}

variable "prefix" {
  type = string
}

resource "dataplatforms_codeocean_data_asset" "test" {
  name  = var.name
  mount = "results"

  source = {
    computation = { id = var.computation_id }
  }

  target = {
    aws = { bucket = var.bucket, prefix = var.prefix }
  }

  storage_cleanup = {
    owns_target = true
  }
}
