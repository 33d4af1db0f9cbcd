data "dataplatforms_dandi_assets" "draft" {
  dandiset_id = "001697"
}
