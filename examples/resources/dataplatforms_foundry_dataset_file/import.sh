# <dataset_rid>:<branch>:<path>
terraform import dataplatforms_foundry_dataset_file.lookup ri.foundry.main.dataset.3c8e2f4a-1b2c-4d5e-8f90-a1b2c3d4e5f6:master:reference/country_codes.csv
