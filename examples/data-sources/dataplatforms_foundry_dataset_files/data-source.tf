# The files under raw/ (raw/a.csv and raw/2024/b.csv, never raw2/c.csv), all pages.
data "dataplatforms_foundry_dataset_files" "raw" {
  dataset_rid = "ri.foundry.main.dataset.3c8e2f4a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
  branch      = "master"
  path_prefix = "raw"
}

output "raw_bytes" {
  value = sum([for f in data.dataplatforms_foundry_dataset_files.raw.files : f.size_bytes])
}
