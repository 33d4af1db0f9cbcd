# A small module of the kind teams write on top of the provider: one scan registered into V7 from
# the team's bucket, and the scans folder linked into Code Ocean as a data asset. Its tests
# (tests/*.tftest.hcl) run against the dataplatforms sandbox: see docs/guides/module-testing.md.
terraform {
  required_providers {
    dataplatforms = {
      source = "dataplatforms/dataplatforms"
    }
  }
}

variable "scan_key" {
  type        = string
  description = "Key of the scan in the bucket of the V7 storage connection."
  validation {
    condition     = !startswith(var.scan_key, "/") && length(var.scan_key) > 0
    error_message = "scan_key is a key relative to the bucket: no leading /."
  }
}

variable "dataset_slug" {
  type    = string
  default = "sandbox-dataset"
}

variable "storage_slug" {
  type    = string
  default = "sandbox-rw"
}

variable "bucket" {
  type        = string
  description = "The bucket that holds the scans, for the Code Ocean asset."
}

locals {
  file_name = basename(var.scan_key)
  folder    = dirname(var.scan_key)
}

resource "dataplatforms_v7_item" "scan" {
  dataset_slug = var.dataset_slug
  storage_slug = var.storage_slug
  name         = local.file_name
  path         = "/module-test"

  slots = [{
    slot_name   = "0"
    file_name   = local.file_name
    storage_key = var.scan_key
  }]
}

resource "dataplatforms_codeocean_data_asset" "scans" {
  name  = "scans of ${local.folder}"
  mount = "scans"

  source = {
    aws = {
      bucket                   = var.bucket
      prefix                   = local.folder
      keep_on_external_storage = true
    }
  }
}

output "v7_item_id" {
  value = dataplatforms_v7_item.scan.id
}

output "v7_processing_status" {
  value = dataplatforms_v7_item.scan.processing_status
}

output "v7_metadata_prefixes" {
  value = dataplatforms_v7_item.scan.metadata_scope.prefixes
}

output "codeocean_state" {
  value = dataplatforms_codeocean_data_asset.scans.state
}

output "codeocean_files" {
  value = dataplatforms_codeocean_data_asset.scans.files
}
