# n items named scan-1 registered from one source object into n folders of the dataset: they
# share V7's metadata folder <prefix>/<source folder>/data/scan-1.
variable "n" {
  type = number
}

variable "base" {
  type = string
}

variable "storage_key" {
  type = string
}

resource "dataplatforms_v7_item" "shared" {
  count        = var.n
  dataset_slug = "sandbox-dataset"
  storage_slug = "sandbox-rw"
  name         = "scan-1"
  path         = "/${var.base}/${["a", "b", "c"][count.index]}"

  slots = [{
    slot_name   = "0"
    file_name   = "scan-1"
    storage_key = var.storage_key
  }]
}
