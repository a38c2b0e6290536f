using Naqil.Agencies.Regulator.Numbering;
using Naqil.Agencies.Regulator.Portability;
using Naqil.Agencies.Regulator.Routes;

namespace Naqil.Agencies.Regulator.Storage;

/// <summary>What a write serialises with: changes of one scope never run side by side.</summary>
internal enum WriteScope
{
    Plan,
    Ports,
    Routes,
    Statements,
}

/// <summary>A settlement statement as stored: this regulator's own (with how its publication went) or a partner's as received.</summary>
internal sealed record StoredStatement(string Period, string Country, string Partner, string Body, string State, string NaqilId, int Attempts, string? LastError, DateTimeOffset Updated);

/// <summary>
/// The regulator's registers, read and written inside one transaction of the store (reads outside
/// a write see what is committed).
/// </summary>
internal interface IRegulatorData
{
    Task<NumberBlock?> BlockAsync(string prefix);

    Task<IReadOnlyList<NumberBlock>> BlocksAsync();

    /// <summary>The blocks whose prefix starts <paramref name="prefix"/> or is started by it.</summary>
    Task<IReadOnlyList<string>> OverlappingAsync(string prefix);

    Task InsertBlockAsync(NumberBlock block);

    Task UpdateBlockAsync(NumberBlock block);

    Task AddBlockChangeAsync(BlockChange change);

    Task<IReadOnlyList<BlockChange>> BlockHistoryAsync(string prefix);

    /// <summary>The request, locked against other writers until the transaction ends.</summary>
    Task<PortRequest?> PortAsync(long seq);

    Task<PortRequest?> OpenPortForAsync(long number);

    Task<IReadOnlyList<PortRequest>> PortsAsync(string? operatorCode, int limit);

    /// <summary>Stores a new request and answers its sequence number (its id is <c>NP-</c> and that number).</summary>
    Task<long> InsertPortAsync(PortRequest request);

    Task UpdatePortAsync(long seq, PortRequest request);

    Task AddPortStepAsync(long seq, PortStep step);

    Task<IReadOnlyList<PortStep>> PortHistoryAsync(long seq);

    Task<string?> PortedAsync(long number);

    /// <summary>Records the operator now serving <paramref name="number"/>; null removes it (the number is back with its block's operator).</summary>
    Task SetPortedAsync(long number, string? servingOperator, DateTimeOffset since);

    Task<IReadOnlyList<(long Number, string Operator)>> AllPortedAsync();

    Task<IReadOnlyList<InternationalLink>> LinksAsync();

    Task PutLinkAsync(InternationalLink link);

    Task<IReadOnlyList<RouteEntry>> RoutesAsync();

    Task ReplaceRoutesAsync(string destination, IReadOnlyList<RouteEntry> routes);

    Task AddRouteChangeAsync(RouteChange change);

    Task<IReadOnlyList<RouteChange>> RouteChangesAsync(string? destination, int limit);

    Task<StoredStatement?> StatementAsync(string period, string country, string partner);

    Task PutStatementAsync(StoredStatement statement);

    Task<IReadOnlyList<StoredStatement>> StatementsAsync(string? state, int limit);
}

/// <summary>The regulator's durable registers: the numbering plan and its history, port requests and the portability database, links and routes, settlement statements.</summary>
internal interface IRegulatorStore : IDisposable
{
    /// <summary>Creates the schema, and refuses a database made for another country's regulator.</summary>
    Task InitializeAsync(string country, CancellationToken cancellationToken);

    /// <summary>Reads what is committed.</summary>
    Task<T> ReadAsync<T>(Func<IRegulatorData, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction that no other write of <paramref name="scope"/>
    /// runs beside, and commits only when it answers <c>Commit</c>: a refusal stores nothing.
    /// </summary>
    Task<T> WriteAsync<T>(WriteScope scope, Func<IRegulatorData, Task<(T Value, bool Commit)>> work, CancellationToken cancellationToken);
}
