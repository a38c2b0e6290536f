namespace Naqil.Documents.Validation;

/// <summary>
/// The checks of one signature in the order they ran, and the verdict they come to: the first of the
/// most severe (TOTAL-FAILED over INDETERMINATE over TOTAL-PASSED).
/// </summary>
internal sealed class CheckList
{
    private readonly List<CheckReport> _checks = [];

    public IReadOnlyList<CheckReport> Checks => _checks;

    public Indication Indication { get; private set; } = Indication.TotalPassed;

    public SubIndication? SubIndication { get; private set; }

    public bool Failed => Indication == Indication.TotalFailed;

    public void Pass(string name, string detail) => _checks.Add(new CheckReport(name, CheckResult.Passed, detail));

    public void Skip(string name, string detail) => _checks.Add(new CheckReport(name, CheckResult.Skipped, detail));

    public void Fail(string name, Indication indication, SubIndication subIndication, string detail)
    {
        _checks.Add(new CheckReport(name, indication == Indication.TotalFailed ? CheckResult.Failed : CheckResult.Indeterminate, detail));
        if (Severity(indication) > Severity(Indication))
        {
            Indication = indication;
            SubIndication = subIndication;
        }
    }

    public static int Severity(Indication indication) => indication switch
    {
        Indication.TotalFailed => 2,
        Indication.Indeterminate => 1,
        _ => 0,
    };
}
