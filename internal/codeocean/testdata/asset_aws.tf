variable "name" {
  type = string
}

variable "bucket" {
  type = string
}

variable "prefix" {
  type = string
}

variable "keep_on_external_storage" {
  type    = bool
  default = false
}

variable "description" {
  type    = string
  default = ""
}

variable "tags" {
  type    = list(string)
  default = ["raw"]
}

variable "archived" {
  type    = bool
  default = false
}

variable "everyone" {
  type    = string
  default = null
}

variable "experiment" {
  type    = string
  default = null
}

variable "cleanup_prefixes" {
  type    = list(string)
  default = null
}

variable "cleanup_bucket" {
  type    = string
  default = null
}

resource "dataplatforms_codeocean_data_asset" "test" {
  name        = var.name
  description = var.description
  mount       = "scans"
  tags        = toset(var.tags)
  archived    = var.archived

  custom_metadata = var.experiment == null ? null : {
    experiment    = var.experiment
    subject_count = "12"
    acquired      = "2024-05-01"
  }

  source = {
    aws = {
      bucket                   = var.bucket
      prefix                   = var.prefix
      keep_on_external_storage = var.keep_on_external_storage
    }
  }

  permissions = var.everyone == null ? null : {
    users    = [{ email = "owner@example.com", role = "owner" }]
    everyone = var.everyone
  }

  storage_cleanup = var.cleanup_prefixes == null ? null : {
    bucket   = var.cleanup_bucket
    prefixes = var.cleanup_prefixes
  }
}

data "dataplatforms_codeocean_data_assets" "by_name" {
  query      = "name:\"${var.name}\""
  archived   = var.archived
  depends_on = [dataplatforms_codeocean_data_asset.test]
}

# With custom metadata set: found by a number filter (sent as a JSON number), a date range and
# the experiment's text.
data "dataplatforms_codeocean_data_assets" "by_numbers" {
  count = var.experiment == null ? 0 : 1
  filters = [
    { key = "subject_count", value = "12" },
    { key = "acquired", range = { min = 1704067200, max = 1735689599 } }, # 2024
    { key = "experiment", values = [var.experiment] },
  ]
  archived   = var.archived
  depends_on = [dataplatforms_codeocean_data_asset.test]
}
