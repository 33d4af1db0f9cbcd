variable "dataset_rid" {
  type = string
}

variable "prefix" {
  type = string
}

variable "revision" {
  type = string
}

# A file and a file set on one branch, written in the same apply: the file's write must wait
# for the set's transaction, never abort it.
resource "dataplatforms_foundry_dataset_file" "test" {
  dataset_rid = var.dataset_rid
  path        = "${var.prefix}/single.csv"
  content     = "id,revision\n0,${var.revision}\n"
}

resource "dataplatforms_foundry_dataset_file_set" "test" {
  dataset_rid = var.dataset_rid
  files = {
    for i in range(20) : "${var.prefix}/set/file-${i}.csv" => { content = "id,revision\n${i},${var.revision}\n" }
  }
}
