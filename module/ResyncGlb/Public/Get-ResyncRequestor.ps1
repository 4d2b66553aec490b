function Get-ResyncRequestor {
    <#
    .SYNOPSIS
    Lists a DSS's Remote Dirsync Requestors from the Exchange directory, before anything is changed.

    .DESCRIPTION
    Reads the Remote Dirsync Requestor objects (class Remote-DXA, under the Dirsync Server object in
    /o=ORG/ou=SITE/cn=Configuration/cn=Connections; KB Q160971, Q182511) and returns, for each, its
    display name, common name and RDN - the three names ResyncConnectionRDNs accepts (KB Q150976) -
    its DXA sequence numbers and its export settings.

    Sources:
      * LDAP (Exchange 5.5; KB Q156063 section 2.7.5): the DSS itself (-ComputerName), another server
        (-DirectoryServer) or the lab's own directory (-LabPath). LDAPS is used where the server
        offers it (port 636); otherwise a warning says the password travels in clear. The bind is
        made as cn=<account>,cn=<NT domain> from -Credential DOMAIN\account; anonymous binds see
        only mail recipients. The class and attribute names are checked against the server's own
        schema first; the names assumed for 5.5 are listed in docs/DIRECTORY.md and can be
        overridden with -AttributeMap.
      * Offline (-ExportFile): a raw-mode export of the Connections container made with
        the directory export 'admin /e' in raw mode (KB Q160971); docs/DIRECTORY.md lists the columns read.

    -GroupByConfiguration returns one object per group of requestors with identical export settings,
    whose Requestor property (the RDNs) New-ResyncGlb binds by property name: one Resync.glb run per
    group, as KB Q156063 section 3.1.1 requires.

    Errors: ResyncGlb.DirectoryUnreachable, DirectoryBindRefused, DirectoryAccessDenied (no rights
    on Configuration), DirectorySchemaMismatch (no Remote-DXA class or naming attributes),
    DirectoryExportInvalid.

    .PARAMETER Name
    Only requestors with one of these display names, common names or RDNs (exact, without regard to
    case). Names are passed to the directory as data: *, (, ), \ and NUL match only themselves.

    .PARAMETER ComputerName
    The DSS whose own directory is read over LDAP (default: this computer). Also put on each output
    object, so that piping into New-ResyncGlb targets the same DSS.

    .PARAMETER DirectoryServer
    The directory server when it is not the DSS: a host, host:port, or an ldap:// or ldaps:// URL.

    .PARAMETER LabPath
    A lab DSS whose directory was started with 'resync-glb lab directory start'.

    .PARAMETER ExportFile
    An 'admin /e' raw-mode export file of the Connections container, read instead of LDAP.

    .PARAMETER Credential
    The account to bind as, DOMAIN\account (bound as cn=<account>,cn=<NT domain>) or a DN. Passed to
    the engine over its standard input only; never on a command line, in the environment or in logs.

    .PARAMETER Ldaps
    Auto (default) uses LDAPS where port 636 answers; Always requires it; Never uses plain LDAP.

    .PARAMETER AttributeMap
    Overrides the assumed LDAP names (or export column names), e.g.
    @{ displayName = 'adminDisplayName'; objectClass = 'remoteDXA' }. Fields: objectClass,
    displayName, commonName, rdn, reqName, reqSeq, srvSeq, confSeq, impSeq, exportNow, importNow,
    exportSettings (a list).

    .PARAMETER SearchBase
    Where to search (default: every naming context the server lists).

    .PARAMETER TimeoutSec
    Connect and per-operation timeout in seconds. Default 15.

    .PARAMETER GroupByConfiguration
    Return one ResyncGlb.RequestorGroup per distinct export configuration instead of one object per
    requestor.

    .EXAMPLE
    Get-ResyncRequestor -ComputerName EXCH01 -Credential CORP\exadmin

    Lists EXCH01's Remote Dirsync Requestors with their names and sequence numbers, read over LDAPS
    if EXCH01 offers it.

    .EXAMPLE
    Get-ResyncRequestor -ComputerName EXCH01 -Credential $c -GroupByConfiguration |
        New-ResyncGlb -Credential $c -Force

    One Resync.glb run per group of identically configured requestors: each group object carries
    Requestor (the RDNs) and ComputerName, which New-ResyncGlb binds by property name.

    .EXAMPLE
    Get-ResyncRequestor -ExportFile .\connections.csv | Group-Object Configuration |
        ForEach-Object { [pscustomobject]@{ Requestor = $_.Group.Requestor } } |
        New-ResyncGlb -ComputerName EXCH01 -Force

    The same grouping done by hand from an offline export made with 'admin /e' in raw mode.

    .EXAMPLE
    Get-ResyncRequestor -LabPath .\lab -Credential LABDOM\admin -Name 'Sales PO' | Format-List *

    Shows everything read about one requestor of the lab's directory.

    .INPUTS
    None.

    .OUTPUTS
    ResyncGlb.Requestor. DisplayName, CommonName, Rdn, Requestor (the RDN), DistinguishedName,
    ReqName, ReqSeq, SrvSeq, ConfSeq, ImpSeq, ExportNow, ImportNow, ExportSettings, Configuration,
    Source, and ComputerName or LabPath when given.
    ResyncGlb.RequestorGroup (with -GroupByConfiguration). Configuration, Requestor, DisplayName,
    Count, MaxReqSeq, MaxSrvSeq, MaxImpSeq, Source, and ComputerName or LabPath when given.

    .LINK
    New-ResyncGlb

    .LINK
    about_ResyncGlb

    .LINK
    https://support.microsoft.com/kb/160971
    #>
    [CmdletBinding(DefaultParameterSetName = 'Computer')]
    [OutputType('ResyncGlb.Requestor', 'ResyncGlb.RequestorGroup')]
    param(
        [Parameter(Position = 0)]
        [ValidateNotNull()]
        [string[]] $Name,

        [Parameter(ParameterSetName = 'Computer')]
        [Alias('CN', 'Server')]
        [string] $ComputerName,

        [Parameter(ParameterSetName = 'Computer')]
        [string] $DirectoryServer,

        [Parameter(Mandatory = $true, ParameterSetName = 'Lab')]
        [string] $LabPath,

        [Parameter(Mandatory = $true, ParameterSetName = 'ExportFile')]
        [string] $ExportFile,

        [Parameter(ParameterSetName = 'Computer')]
        [Parameter(ParameterSetName = 'Lab')]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,

        [Parameter(ParameterSetName = 'Computer')]
        [ValidateSet('Auto', 'Always', 'Never')]
        [string] $Ldaps = 'Auto',

        [hashtable] $AttributeMap,

        [Parameter(ParameterSetName = 'Computer')]
        [Parameter(ParameterSetName = 'Lab')]
        [string] $SearchBase,

        [ValidateRange(1, 600)]
        [int] $TimeoutSec = 15,

        [switch] $GroupByConfiguration
    )

    $parameters = @{ timeoutSec = $TimeoutSec; groupByConfiguration = [bool]$GroupByConfiguration }
    if ($PSBoundParameters.ContainsKey('Name')) { $parameters.name = [string[]]$Name }
    if ($AttributeMap) { $parameters.attributeMap = $AttributeMap }
    if ($SearchBase) { $parameters.searchBase = $SearchBase }
    switch ($PSCmdlet.ParameterSetName) {
        'Lab' { $parameters.labPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $LabPath }
        'ExportFile' { $parameters.exportFile = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $ExportFile }
        default {
            if ($ComputerName) { $parameters.computerName = $ComputerName }
            if ($DirectoryServer) { $parameters.directoryServer = $DirectoryServer }
            $parameters.ldaps = $Ldaps
        }
    }
    Invoke-ResyncBundle -Cmdlet $PSCmdlet -Command 'requestors' -Parameters $parameters -Credential $Credential
}
