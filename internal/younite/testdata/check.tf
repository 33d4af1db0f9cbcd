variable "dr_uuid" {
  type = string
}

variable "linked_adaptor" {
  type = string
}

variable "unlinked_adaptor" {
  type = string
}

data "dataplatforms_younite_dr_adaptor_check" "linked" {
  dr_uuid      = var.dr_uuid
  adaptor_uuid = var.linked_adaptor
}

data "dataplatforms_younite_dr_adaptor_check" "unlinked" {
  dr_uuid      = var.dr_uuid
  adaptor_uuid = var.unlinked_adaptor
}
