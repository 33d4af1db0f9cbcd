variable "path" {
  type = string
}

variable "items_csv" {
  type = string
}

# The explicit form, from a CSV as a user would feed it: name,folder,key,key2.
resource "dataplatforms_v7_item_set" "test" {
  dataset_slug = "sandbox-dataset"
  storage_slug = "sandbox-rw"
  path         = var.path
  items = {
    for row in csvdecode(var.items_csv) : row.name => {
      path = row.folder
      slots = concat(
        [{ slot_name = "0", file_name = basename(row.key), storage_key = row.key }],
        row.key2 == "" ? [] : [{ slot_name = "1", file_name = basename(row.key2), storage_key = row.key2 }],
      )
    }
  }
}
