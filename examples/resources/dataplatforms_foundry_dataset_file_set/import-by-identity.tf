# The set's identity is the branch it lives on: its files, id and transaction change with every
# write. An import by identity takes every file of the branch, as <dataset_rid>:<branch> does;
# import a set that shares its branch by the id form with its folder or transaction. The plan of an
# import never deletes a file the import took that the configuration does not hold: it is refused.
import {
  to = dataplatforms_foundry_dataset_file_set.raw
  identity = {
    dataset_rid = "ri.foundry.main.dataset.0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    branch      = "raw-2024"
  }
}
