package teardown

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// Destroy is Delete's part of the contract: guard, resume from the recorded progress, run, and
// on failure record the new progress in out (the response's private state). The caller sets its
// platform_deleted attribute from the returned progress when the diagnostics hold an error.
func Destroy(ctx context.Context, data *providerdata.Data, t Teardown, in, out Private) (Progress, diag.Diagnostics) {
	diags := Guard(t.Object, t.Protected)
	if diags.HasError() {
		return Progress{}, diags
	}
	engine, d := engineFor(ctx, data, t)
	diags.Append(d...)
	if d.HasError() {
		return Progress{}, diags
	}
	prog, d := Load(ctx, in)
	diags.Append(d...)
	if diags.HasError() {
		return prog, diags
	}
	prog, d = Run(ctx, engine, t, prog)
	diags.Append(d...)
	if diags.HasError() {
		diags.Append(Save(ctx, out, prog)...)
	}
	return prog, diags
}

// engineFor is the storage engine of a teardown that owns S3 scopes; nil for one that owns none,
// so that a platform without S3 storage never needs S3 settings.
func engineFor(ctx context.Context, data *providerdata.Data, t Teardown) (*storage.Engine, diag.Diagnostics) {
	if len(t.Scopes) == 0 {
		return nil, nil
	}
	return data.Engine(ctx, t.Storage)
}

// Run carries out the teardown from where prog left it and returns the new progress. On
// failure the diagnostics say what is done and what is left, and the caller must keep the
// resource in state with the returned progress. engine may be nil when t owns no S3 scope.
func Run(ctx context.Context, engine *storage.Engine, t Teardown, prog Progress) (Progress, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !prog.PlatformDeleted {
		if err := t.DeletePlatform(ctx); err != nil {
			diags.Append(diagnostics.Error(fmt.Sprintf("Deleting %s failed", t.Object), err,
				"Nothing was removed from storage. Fix the cause and run terraform destroy again."))
			return prog, diags
		}
		prog.PlatformDeleted = true
		tflog.Info(ctx, "platform object deleted", map[string]any{"object": t.Object})
	}
	incomplete := fmt.Sprintf("Storage cleanup of %s is incomplete", t.Object)
	var keptAll []string
	for s := range t.pending(ctx, prog) {
		if s.err != nil {
			diags.Append(diagnostics.Error(incomplete, s.err,
				"The platform object is deleted; nothing of this scope was removed. The resource stays in state with "+
					"platform_deleted = true; fix the cause and run terraform destroy again to finish."))
			return prog, diags
		}
		keptAll = append(keptAll, s.keptLines()...)
		if len(s.rest.Prefixes) > 0 {
			res, err := engine.Delete(ctx, s.rest)
			prog.Removed = add(prog.Removed, res)
			if err != nil {
				diags.Append(diagnostics.Error(incomplete, err,
					fmt.Sprintf("The platform object is deleted and %d objects were removed so far. The resource stays in "+
						"state with platform_deleted = true; fix the cause and run terraform destroy again to finish.", prog.Removed.Total())))
				return prog, diags
			}
		}
		prog.ScopesDone = append(prog.ScopesDone, s.scope.Key())
	}
	for l := range t.pendingLocal(prog) {
		if err := l.Remove(); err != nil {
			diags.Append(diagnostics.Error(incomplete, fmt.Errorf("removing %s: %w", l.Path, err),
				"The platform object is deleted. The resource stays in state with platform_deleted = true; fix the cause "+
					"and run terraform destroy again to finish."))
			return prog, diags
		}
		prog.LocalDone = append(prog.LocalDone, l.Path)
	}
	if len(keptAll) > 0 {
		diags.Append(keptWarning(t.Object, "kept", keptAll))
		tflog.Info(ctx, "shared storage kept", map[string]any{"object": t.Object, "kept": keptAll})
	}
	tflog.Info(ctx, "teardown finished", map[string]any{
		"object": t.Object, "objects": prog.Removed.Objects, "versions": prog.Removed.Versions,
		"delete_markers": prog.Removed.DeleteMarkers, "uploads": prog.Removed.Uploads, "bytes": prog.Removed.Bytes, "local_trees": len(prog.LocalDone),
	})
	return prog, diags
}
