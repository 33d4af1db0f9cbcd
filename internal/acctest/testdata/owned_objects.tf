variable "bucket" {
  type = string
}

variable "prefixes" {
  type = list(string)
}

variable "deletion_protection" {
  type    = bool
  default = false
}

resource "dataplatforms_acctest_owned_objects" "test" {
  bucket              = var.bucket
  prefixes            = var.prefixes
  deletion_protection = var.deletion_protection
}
