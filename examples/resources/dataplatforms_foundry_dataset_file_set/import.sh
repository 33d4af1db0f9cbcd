# <dataset_rid>:<branch>                    every file of the branch
# <dataset_rid>:<branch>:<folder>/          the files under a folder (the trailing / says so)
# <dataset_rid>:<branch>:<transaction_rid>  the files that transaction wrote last
# Each file's text (UTF-8, up to 1 MiB) is read into content, so that a configuration generated
# with `terraform plan -generate-config-out` plans with no changes. (OpenTofu 1.12 writes the
# paths, the keys of files, unquoted into a generated file: quote them before planning.)
terraform import dataplatforms_foundry_dataset_file_set.raw ri.foundry.main.dataset.0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d:master:raw/2024/
