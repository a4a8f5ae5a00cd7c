using Microsoft.Extensions.FileProviders;

namespace Steward.Gateway.Hosting;

/// <summary>
/// The web dashboard at <c>/</c>: the static files of wwwroot, embedded in the gateway's assembly so they are there
/// wherever the gateway runs from (the build output, a test's folder, a published image). The page holds no data and
/// needs no token; every call it makes to the API carries the operator's. Served by middleware, not endpoints, so the
/// OpenAPI document does not list them.
/// </summary>
internal static class Dashboard
{
    public static IApplicationBuilder UseDashboard(this IApplicationBuilder app)
    {
        var files = new EmbeddedFileProvider(typeof(Dashboard).Assembly, $"{nameof(Steward)}.{nameof(Gateway)}.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        // Revalidated on every load (a 304 while unchanged): a browser must not keep last version's modules after an upgrade.
        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}
