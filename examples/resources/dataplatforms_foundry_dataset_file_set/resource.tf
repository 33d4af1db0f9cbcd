# Every CSV of a local folder as one unit: they appear in one UPDATE transaction and
# disappear in one DELETE transaction, never half of them.
resource "dataplatforms_foundry_dataset_file_set" "partitions" {
  dataset_rid = "ri.foundry.main.dataset.3c8e2f4a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
  branch      = "master"

  files = {
    for f in fileset("${path.module}/partitions", "*.csv") :
    "raw/partitions/${f}" => { source = "${path.module}/partitions/${f}" }
  }
}
