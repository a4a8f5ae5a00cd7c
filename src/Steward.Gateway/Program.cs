using Microsoft.AspNetCore.Authentication;
using Steward.Gateway.Auth;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Telemetry;
using Steward.Gateway.Hosting;
using Steward.Gateway.Messages;
using Steward.Gateway.Trust;

var host = new StewardHost("Steward.Gateway", defaultNodeName: "central");
var commands = $"{OperatorsCommand.Help}\n\n{BrokerConfigCommand.Help}";
if (host.CheckCommandLine(args, "  --urls <urls>        where the gateway listens (default: http://127.0.0.1:8080)\n", "\n" + commands,
        a => OperatorsCommand.IsCommand(a) ? OperatorsCommand.Run(a) : BrokerConfigCommand.IsCommand(a) ? BrokerConfigCommand.Run(a) : null) is { } stop)
    return stop;

var builder = WebApplication.CreateBuilder(args);
if (host.Configure(builder, args, out var options) is { } stopped) return stopped;
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:8080");
builder.AddStewardTracing(options, GatewayTracing.Instrument);

builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.TypeInfoResolverChain.Insert(0, StewardJson.Default);
    o.SerializerOptions.TypeInfoResolverChain.Insert(1, GatewayJson.Default);
    o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
    o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
});
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails().AddExceptionHandler<BadRequestProblemHandler>();
builder.Services.AddOpenApi(OpenApiDocument.Configure);
builder.Services.AddSingleton(sp => Operators.Load(options, sp.GetRequiredService<ILoggerFactory>().CreateLogger<Operators>()));
builder.Services.AddAuthentication(BearerTokenHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
builder.Services.AddAuthorization(OperatorRoles.AddPolicies);
builder.Services.AddEventStreamLimit(options.MaxEventStreams);
builder.Services.AddGatewayMetrics();
builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RoleProblemHandler>();

var app = builder.Build();
try
{
    app.Services.GetRequiredService<Operators>();   // read (and the admin token made) at start, not at the first request
}
catch (StewardStartupException e)
{
    Console.Error.WriteLine($"Steward.Gateway: {e.Message}");
    return 2;
}
app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDashboard();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();   // after authorization: a request without a valid token never takes a stream's place
app.MapOpenApi();
app.MapOpenApi("/openapi/{documentName}.yaml");
app.UseSwaggerUI(ui =>
{
    ui.SwaggerEndpoint("/openapi/v1.json", "Steward v1");
    ui.RoutePrefix = "swagger";
});
app.MapHealthEndpoints();
app.MapMessageEndpoints();
app.MapBatchEndpoints();
app.MapNodeEndpoints();
app.MapErrorEndpoints();
app.MapGatewayMetrics();
return await host.RunAsync(app);
