using Steward.Core.Messages;

namespace Steward.Gateway.Messages;

/// <summary>Reads a POSTed body, at most <c>maxBytes</c> of it, as <see cref="MessageInput"/>.</summary>
internal static class MessageBody
{
    public sealed record Parsed(IReadOnlyList<Message> Messages, Dictionary<string, string[]> Errors, bool TooLarge, bool IsArray = false);

    public static async Task<Parsed> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        for (int read; (read = await request.Body.ReadAsync(chunk, ct)) > 0;)
        {
            if (buffer.Length + read > maxBytes) return TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        var parsed = MessageInput.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return new Parsed(parsed.Messages, parsed.Errors, TooLarge: false, parsed.IsArray);
    }

    /// <summary>The 413 problem for a body over the limit.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLargeProblem(Parsed body) =>
        TypedResults.Problem(body.Errors["body"][0], statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    private static Parsed TooLarge(long maxBytes) => new([], new() { ["body"] = [$"the request body is larger than {maxBytes} bytes"] }, TooLarge: true);
}
