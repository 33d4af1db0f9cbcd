# The data asset's identity is its id (Terraform 1.12 and later, OpenTofu 1.12 and later). The
# import reads what the id form does.
import {
  to = dataplatforms_codeocean_data_asset.raw
  identity = {
    id = "3f8a1c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
  }
}
