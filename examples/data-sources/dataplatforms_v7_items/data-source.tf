# Every item of a folder that V7 has finished processing, all pages.
data "dataplatforms_v7_items" "batch" {
  dataset_slug = "lung-scans"
  paths        = ["/2024/batch-7"]
  statuses     = ["new", "complete"]
}

output "batch_item_ids" {
  value = data.dataplatforms_v7_items.batch.items[*].id
}
