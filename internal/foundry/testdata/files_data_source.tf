variable "dataset_rid" {
  type = string
}

variable "prefix" {
  type = string
}

data "dataplatforms_foundry_dataset_files" "folder" {
  dataset_rid = var.dataset_rid
  path_prefix = var.prefix
}

data "dataplatforms_foundry_dataset_files" "all" {
  dataset_rid = var.dataset_rid
  branch      = "master"
}
