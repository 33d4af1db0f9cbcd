# Every .jpg under customer-data/scans/ of the connection's bucket becomes one item of the V7
# folder /scans (a key in customer-data/scans/2024/ lands in /scans/2024). Registration goes 100
# items a request, within V7's 100 registration requests a minute; a refresh lists /scans 500
# items a page. A key added under the prefix is registered at the next apply, and one removed is
# deleted from V7 with its metadata folder. Destroy deletes every item (500 ids a request) and
# then exactly the folders V7 wrote for them, <prefix>/customer-data/scans/data/<name>/….
resource "dataplatforms_v7_item_set" "scans" {
  dataset_slug = "lung-scans"
  storage_slug = "acme-s3"
  path         = "/scans" # the set owns this folder: items already there refuse the create

  source = {
    prefix  = "customer-data/scans/"
    include = ["**/*.jpg"]
    exclude = ["tmp/**"]
  }
}

# The explicit form, fed from a CSV with the columns name,folder,key:
#
#   name,folder,key
#   case-0001,/cases/batch-1,raw/cases/0001-axial.dcm
#   case-0002,/cases/batch-1,raw/cases/0002-axial.dcm
resource "dataplatforms_v7_item_set" "cases" {
  dataset_slug = "lung-scans"
  storage_slug = "acme-s3"
  path         = "/cases"

  items = {
    for row in csvdecode(file("${path.module}/items.csv")) : row.name => {
      path  = row.folder
      slots = [{ slot_name = "0", file_name = basename(row.key), storage_key = row.key, type = "dicom" }]
    }
  }
}

# A plan of a set prints counts (item_count, metadata_scope.prefix_count), never its items: their
# ids are kept in the resource's private state. To use the ids, list the set's folder (and any
# folder under it) with the items data source.
data "dataplatforms_v7_items" "scans" {
  dataset_slug = "lung-scans"
  paths        = [dataplatforms_v7_item_set.scans.path]
}

output "scan_item_ids" {
  value = data.dataplatforms_v7_items.scans.items[*].id
}
