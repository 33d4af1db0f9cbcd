variable "path" {
  type = string
}

variable "source_prefix" {
  type = string
}

resource "dataplatforms_v7_item" "scan" {
  count        = 3
  dataset_slug = "sandbox-dataset"
  storage_slug = "sandbox-rw"
  name         = "scan-${count.index}"
  path         = var.path

  slots = [{
    slot_name   = "0"
    file_name   = "scan-${count.index}.jpg"
    storage_key = "${var.source_prefix}/scan-${count.index}.jpg"
  }]
}

data "dataplatforms_v7_items" "folder" {
  dataset_slug = "sandbox-dataset"
  paths        = [var.path]
  statuses     = ["new"]

  depends_on = [dataplatforms_v7_item.scan]
}

data "dataplatforms_v7_items" "one" {
  dataset_slug = "sandbox-dataset"
  paths        = [var.path]
  names        = ["scan-1"]

  depends_on = [dataplatforms_v7_item.scan]
}
