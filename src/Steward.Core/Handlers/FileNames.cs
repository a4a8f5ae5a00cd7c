using Steward.Core.Messages;

namespace Steward.Core.Handlers;

internal static class FileNames
{
    /// <summary>The message's <c>fileName</c>, or one named after the method that produced the data.</summary>
    public static string For(Message message) =>
        string.IsNullOrEmpty(message.FileName) ? $"{message.PreviousMessage?.Method ?? message.Method}.log" : message.FileName;
}
