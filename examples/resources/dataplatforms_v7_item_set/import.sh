# <team_slug>/<dataset_slug>:<path> (or <dataset_slug>:<path> with the provider's team), or
# <team_slug>/<dataset_slug>/<storage connection>:<path> when the team has several connections and
# the import cannot tell which holds V7's files. Every item in the folder (and the folders under it)
# is the set's. The import writes the source form when one source folder's listing registers
# exactly those items, else the explicit items form from V7's answer, so that
# `terraform plan -generate-config-out` writes a configuration that plans with no changes. An item the
# import took that your configuration does not hold is never deleted unless adopt_existing = true;
# a connection named by its name rather than its slug, and your metadata_layout, are recorded in
# place, never a replacement. (OpenTofu 1.12 writes the items' names, the keys of items, unquoted into
# a generated file: quote them before planning, or use Terraform.)
terraform import dataplatforms_v7_item_set.scans acme/scans:/2024
