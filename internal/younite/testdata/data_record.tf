variable "domain" {
  type = string
}

variable "record" {
  type    = string
  default = null
}

variable "delete_adaptor_uuids" {
  type    = list(string)
  default = null
}

variable "deletion_protection" {
  type    = bool
  default = false
}

variable "delete_timeout" {
  type    = string
  default = null
}

resource "dataplatforms_younite_data_record" "test" {
  domain               = var.domain
  json                 = var.record
  delete_adaptor_uuids = var.delete_adaptor_uuids == null ? null : toset(var.delete_adaptor_uuids)
  deletion_protection  = var.deletion_protection
  timeouts             = var.delete_timeout == null ? null : { delete = var.delete_timeout }
}
