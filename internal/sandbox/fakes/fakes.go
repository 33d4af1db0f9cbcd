// Package fakes registers every platform fake with the sandbox; import it for its side effect
// wherever a full sandbox is started (cmd/sandbox, internal/acctest).
package fakes

import (
	// Each platform's fake registers itself in init.
	_ "github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/codeoceanfake"
	_ "github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/dandifake"
	_ "github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/foundryfake"
	_ "github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	_ "github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/younitefake"
)
