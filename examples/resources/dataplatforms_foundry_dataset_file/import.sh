# <dataset_rid>:<branch>:<path>. A text file (UTF-8, up to 1 MiB) is read into content, so that a
# configuration generated with `terraform plan -generate-config-out` plans with no changes; for
# other files, set source to a local copy.
terraform import dataplatforms_foundry_dataset_file.lookup ri.foundry.main.dataset.3c8e2f4a-1b2c-4d5e-8f90-a1b2c3d4e5f6:master:reference/country_codes.csv
