package teardown

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// PlanDestroy is a destroy plan's part of the contract, for ModifyPlan: refuse a protected
// resource, and preview what the storage cleanup will remove.
func PlanDestroy(ctx context.Context, data *providerdata.Data, t Teardown, private Private) diag.Diagnostics {
	diags := Guard(t.Object, t.Protected)
	if diags.HasError() {
		return diags
	}
	engine, d := engineFor(ctx, data, t)
	diags.Append(d...)
	if d.HasError() {
		return diags
	}
	prog, d := Load(ctx, private)
	diags.Append(d...)
	return append(diags, Preview(ctx, engine, t, prog)...)
}

// Preview warns what a destroy will remove from storage, for `terraform plan -destroy`. A
// count that fails is a warning too: previews never block a plan. engine may be nil when t
// owns no S3 scope.
func Preview(ctx context.Context, engine *storage.Engine, t Teardown, prog Progress) diag.Diagnostics {
	var diags diag.Diagnostics
	var lines, keptAll []string
	cannot := fmt.Sprintf("Cannot preview the storage cleanup of %s", t.Object)
	for s := range t.pending(ctx, prog) {
		if s.err != nil {
			diags.Append(diagnostics.Warning(cannot, s.err, "The destroy checks again and keeps every folder another object still uses."))
			continue
		}
		keptAll = append(keptAll, s.keptLines()...)
		if len(s.rest.Prefixes) == 0 {
			continue
		}
		p, err := engine.Count(ctx, s.rest, PreviewLimit)
		if err != nil {
			diags.Append(diagnostics.Warning(cannot, err, "The destroy will still remove everything in the owned scope."))
			continue
		}
		lines = append(lines, fmt.Sprintf("%s: %s", s.rest, describe(p)))
	}
	for l := range t.pendingLocal(prog) {
		left, err := l.Left()
		if err != nil {
			diags.Append(diagnostics.Warning(cannot, err, "The destroy will still remove the whole tree."))
			continue
		}
		if left != "" {
			lines = append(lines, fmt.Sprintf("%s: %s", l.Path, left))
		}
	}
	if len(keptAll) > 0 {
		diags.Append(keptWarning(t.Object, "will keep", keptAll))
	}
	platformGone := prog.PlatformDeleted || t.PlatformDeleted
	if len(lines) == 0 && (t.PlatformPreview == "" || platformGone) {
		return diags
	}
	action := "delete the platform object"
	if t.PlatformPreview != "" {
		action = "delete " + t.PlatformPreview
	}
	lines = SampleLines(lines, ShownLines)
	detail := fmt.Sprintf("The destroy will %s, then remove:\n  %s", action, strings.Join(lines, "\n  "))
	switch {
	case platformGone:
		detail = "The destroy will finish the storage cleanup (the platform object is already deleted) and remove:\n  " + strings.Join(lines, "\n  ")
	case len(lines) == 0:
		detail = fmt.Sprintf("The destroy will %s; its storage holds nothing to remove.", action)
	}
	if t.Note != "" {
		detail += "\n" + t.Note
	}
	diags.AddWarning(fmt.Sprintf("Destroying %s removes objects from storage", t.Object), detail)
	return diags
}
