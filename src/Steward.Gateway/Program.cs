using Microsoft.AspNetCore.Authentication;
using Steward.Gateway.Auth;
using Serilog;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Gateway.Hosting;
using Steward.Gateway.Messages;
using Steward.Gateway.Trust;

if (StewardCommandLine.WantsHelp(args))
{
    Console.WriteLine(StewardCommandLine.Help("Steward.Gateway", "central",
        "  --urls <urls>        where the gateway listens (default: http://127.0.0.1:8080)\n"));
    Console.WriteLine();
    Console.WriteLine(OperatorsCommand.Help);
    Console.WriteLine();
    Console.WriteLine(BrokerConfigCommand.Help);
    return 0;
}
if (StewardCommandLine.SecretSwitch(args) is { } secret)
{
    Console.Error.WriteLine(StewardCommandLine.SecretRefused("Steward.Gateway", secret));
    return 2;
}
if (OperatorsCommand.IsCommand(args)) return OperatorsCommand.Run(args);
if (BrokerConfigCommand.IsCommand(args)) return BrokerConfigCommand.Run(args);
if (StewardCommandLine.UnknownSwitch(args) is { } unknown)
{
    Console.Error.WriteLine($"Steward.Gateway: unknown switch {unknown}; see --help");
    return 2;
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, StewardCommandLine.Switches.ToDictionary());
var options = StewardConfiguration.Read(builder.Configuration, defaultNodeName: "central");
if (StewardCommandLine.WantsPublicKey(args)) return NodeKeyCommand.Print(options);
if (options.Problems().Concat(EventStreamLimit.Problems(builder.Configuration)).ToList() is [var first, ..])
{
    Console.Error.WriteLine($"Steward.Gateway: invalid configuration: {first}");
    return 2;
}
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:8080");

builder.Services.AddSerilog(log => log.ReadFrom.Configuration(builder.Configuration)
    .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
    .Enrich.FromLogContext()
    .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}"));
builder.Services.AddStewardNode(options);
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
builder.Services.AddEventStreamLimit(builder.Configuration);
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
try
{
    var node = app.Services.GetRequiredService<NodeRuntime>();
    await app.RunAsync();
    if (node.Unusable.IsCompleted) return 2;   // a configuration error the node logged as one line
}
catch (StewardStartupException e)
{
    Console.Error.WriteLine($"Steward.Gateway: {e.Message}");
    return 2;
}
return 0;
