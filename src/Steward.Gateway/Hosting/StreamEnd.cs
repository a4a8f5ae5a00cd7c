namespace Steward.Gateway.Hosting;

/// <summary>When an event stream is over: asked of the database when the stream (re)starts, then of each pushed item.</summary>
internal abstract class StreamEnd<T>
{
    /// <summary>Whether nothing more will come; read before the stream's history, so the history holds the end.</summary>
    public abstract Task<bool> IsOverAsync(CancellationToken ct);

    /// <summary>Whether <paramref name="item"/>, committed after <see cref="IsOverAsync"/> was asked, is the stream's last.</summary>
    public abstract bool EndsWith(T item);

    /// <summary>A stream that follows for as long as the client listens (the error log).</summary>
    public static StreamEnd<T> Never { get; } = new Endless();

    private sealed class Endless : StreamEnd<T>
    {
        public override Task<bool> IsOverAsync(CancellationToken ct) => Task.FromResult(false);
        public override bool EndsWith(T item) => false;
    }
}
