# The data asset id. Code Ocean does not report an asset's source: the next apply records the
# configuration's source in place (it does not replace the imported asset).
terraform import dataplatforms_codeocean_data_asset.raw 3f8a1c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b
