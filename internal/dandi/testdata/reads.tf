variable "dandiset_directory" {
  type = string
}

variable "pipeline_version" {
  type = string
}

variable "path_prefix" {
  type = string
}

data "dataplatforms_dandi_versions" "many" {
  dandiset_id = "000150"
}

data "dataplatforms_dandi_version_directories" "local" {
  dandiset_directory = var.dandiset_directory
  version            = var.pipeline_version
}

data "dataplatforms_dandi_assets" "folder" {
  dandiset_id = "001697"
  path_prefix = var.path_prefix
}

data "dataplatforms_dandi_assets" "published" {
  dandiset_id = "001697"
  version     = "0.240920.1434"
}
