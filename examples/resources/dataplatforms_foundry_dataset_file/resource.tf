# A lookup table kept in a dataset branch. Editing the local file plans an update (a new
# transaction on the branch); destroy deletes it in a DELETE transaction, so it stays in the
# dataset's history.
resource "dataplatforms_foundry_dataset_file" "lookup" {
  dataset_rid = "ri.foundry.main.dataset.3c8e2f4a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
  branch      = "master"
  path        = "reference/country_codes.csv"
  source      = "${path.module}/country_codes.csv"

  timeouts = {
    # A build writing the dataset holds a transaction open; wait for it at most this long.
    delete = "30m"
  }
}

resource "dataplatforms_foundry_dataset_file" "readme" {
  dataset_rid = "ri.foundry.main.dataset.3c8e2f4a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
  path        = "README.md"
  content     = "Reference data, managed by Terraform.\n"
}
