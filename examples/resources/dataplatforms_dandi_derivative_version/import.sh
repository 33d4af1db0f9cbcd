# <dandiset_id>:<version>:<dandiset_directory>
terraform import dataplatforms_dandi_derivative_version.v1_0_0 001697:v1.0.0:/data/dandisets/001697
