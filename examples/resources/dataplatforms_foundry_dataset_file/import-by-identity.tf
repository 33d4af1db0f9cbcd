# The file's identity is where it is: the dataset, the branch and the path (a path may hold
# colons here). The import reads what the id form <dataset_rid>:<branch>:<path> does.
import {
  to = dataplatforms_foundry_dataset_file.lookup
  identity = {
    dataset_rid = "ri.foundry.main.dataset.3c8e2f4a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
    branch      = "master"
    path        = "reference/country_codes.csv"
  }
}
