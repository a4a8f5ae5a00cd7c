using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Steward.Gateway.Messages;

namespace Steward.Gateway.Hosting;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AcceptedMessages))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(BatchAccepted))]
[JsonSerializable(typeof(BatchView))]
[JsonSerializable(typeof(BatchPreview))]
[JsonSerializable(typeof(IReadOnlyList<NodeView>))]
[JsonSerializable(typeof(ApproveNode))]
[JsonSerializable(typeof(EnrolledNode))]
[JsonSerializable(typeof(IReadOnlyList<Steward.Core.State.ErrorEntry>))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class GatewayJson : JsonSerializerContext;
