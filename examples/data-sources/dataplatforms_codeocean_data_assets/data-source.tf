# Raw ephys assets, every page.
data "dataplatforms_codeocean_data_assets" "raw_ephys" {
  query = "tag:raw tag:ephys"
  type  = "dataset"
}

output "raw_ephys_ids" {
  value = data.dataplatforms_codeocean_data_assets.raw_ephys.assets[*].id
}
