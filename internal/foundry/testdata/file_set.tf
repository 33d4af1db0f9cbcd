variable "dataset_rid" {
  type = string
}

variable "prefix" {
  type = string
}

variable "n" {
  type = number
}

variable "branch" {
  type    = string
  default = "master"
}

variable "revision" {
  type    = string
  default = "1"
}

resource "dataplatforms_foundry_dataset_file_set" "test" {
  dataset_rid = var.dataset_rid
  branch      = var.branch
  files = {
    for i in range(var.n) : "${var.prefix}/file-${i}.csv" => { content = "id,version\n${i},${var.revision}\n" }
  }
}
