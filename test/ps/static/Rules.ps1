<#
Rules.ps1 - the static rules that stand in for PSScriptAnalyzer (not obtainable here), dot-sourced by
test/ps/StaticRules.Tests.ps1, which runs them in the real pwsh: every .ps1/.psm1/.psd1 under module/, ps1/
and test/ps/ parses, the rules of the table $Rules below hold on their scope of files, and every rule is proven
able to fail on its fixtures (README.md beside this file lists them).

Scopes:
  Security    module/ and ps1/       PSScriptAnalyzer-like security and style rules
  Compat51    module/ and ps1/       no syntax newer than Windows PowerShell 5.1 (the module's floor)
  PS2         ps1/                   PowerShell 2.0 only (the ps1/ scripts run on old DSS hosts)
  Remote      module/                the PS2 rules again, on script blocks given to Invoke-Command
  Public      module/*/Public/*.ps1  cmdlet design: one function per file named as the file, approved
                                     verb, [CmdletBinding()], ShouldProcess, [OutputType()], full help
  Manifest    dist/ResyncGlb/ResyncGlb.psd1 (the built module's manifest)

The "PS3+ path" rule (PS2.Cmdlets3Plus): the ps1/ scripts must run on PowerShell 2.0, which has no
ConvertFrom-Json/ConvertTo-Json, Get-CimInstance, Get-FileHash and the other cmdlets listed in
$Ps3PlusCmdlets. Such a cmdlet is allowed only inside an if/elseif/else block whose first line is the comment
`# PS3+ path`, and only when a condition of that if statement tests $PSVersionTable.

Known limits (AST checks are not type inference): `ForEach-Object $scriptBlockVariable` counts as the 3.0
simplified syntax; member-access enumeration (3.0) is not detected; commands called through a variable
(`& $cmd`) are not resolved.
#>
param(
    [string] $RepoRoot
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

if (-not $RepoRoot) { $RepoRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..')) }
$RepoRoot = [System.IO.Path]::GetFullPath($RepoRoot)
$FixtureRoot = [System.IO.Path]::Combine($PSScriptRoot, 'fixtures')

# ---------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------

# The approved verbs: `Get-Verb` of PowerShell 7 (100 verbs). Get-Verb itself is absent from the NuGet engine;
# a test below compares this list with the engine's own System.Management.Automation.Verbs* classes.
$ApprovedVerbs = @(
    # Common
    'Add', 'Clear', 'Close', 'Copy', 'Enter', 'Exit', 'Find', 'Format', 'Get', 'Hide', 'Join', 'Lock', 'Move', 'New',
    'Open', 'Optimize', 'Pop', 'Push', 'Redo', 'Remove', 'Rename', 'Reset', 'Resize', 'Search', 'Select', 'Set',
    'Show', 'Skip', 'Split', 'Step', 'Switch', 'Undo', 'Unlock', 'Watch',
    # Communications
    'Connect', 'Disconnect', 'Read', 'Receive', 'Send', 'Write',
    # Data
    'Backup', 'Checkpoint', 'Compare', 'Compress', 'Convert', 'ConvertFrom', 'ConvertTo', 'Dismount', 'Edit',
    'Expand', 'Export', 'Group', 'Import', 'Initialize', 'Limit', 'Merge', 'Mount', 'Out', 'Publish', 'Restore',
    'Save', 'Sync', 'Unpublish', 'Update',
    # Diagnostic
    'Debug', 'Measure', 'Ping', 'Repair', 'Resolve', 'Test', 'Trace',
    # Lifecycle
    'Approve', 'Assert', 'Build', 'Complete', 'Confirm', 'Deny', 'Deploy', 'Disable', 'Enable', 'Install', 'Invoke',
    'Register', 'Request', 'Restart', 'Resume', 'Start', 'Stop', 'Submit', 'Suspend', 'Uninstall', 'Unregister',
    'Wait',
    # Security
    'Block', 'Grant', 'Protect', 'Revoke', 'Unblock', 'Unprotect',
    # Other
    'Use'
)

# Verbs whose functions change state and so must declare SupportsShouldProcess
# (UseShouldProcessForStateChangingFunctions; PSScriptAnalyzer's own list is New, Set, Remove, Start, Stop,
# Restart, Reset, Update - this one is wider, after Microsoft's Required Development Guidelines).
$StateChangingVerbs = @(
    'New', 'Set', 'Remove', 'Copy', 'Move', 'Rename', 'Add', 'Clear', 'Reset', 'Start', 'Stop', 'Restart', 'Suspend',
    'Resume', 'Install', 'Uninstall', 'Update', 'Enable', 'Disable', 'Invoke', 'Register', 'Unregister', 'Publish',
    'Unpublish'
)

# Cmdlets that PowerShell 2.0 does not have (with the version that added them).
$Ps3PlusCmdlets = @{
    'ConvertFrom-Json'   = '3.0'; 'ConvertTo-Json' = '3.0'; 'Invoke-RestMethod' = '3.0'; 'Invoke-WebRequest' = '3.0'
    'Get-CimInstance'    = '3.0'; 'Set-CimInstance' = '3.0'; 'Invoke-CimMethod' = '3.0'; 'New-CimSession' = '3.0'
    'Get-CimClass'       = '3.0'; 'Remove-CimInstance' = '3.0'; 'Register-CimIndicationEvent' = '3.0'
    'Get-FileHash'       = '4.0'; 'New-TemporaryFile' = '5.0'; 'Expand-Archive' = '5.0'; 'Compress-Archive' = '5.0'
    'Get-Clipboard'      = '5.0'; 'Set-Clipboard' = '5.0'; 'Format-Hex' = '5.0'; 'ConvertFrom-String' = '5.0'
}

# Parameters that Windows PowerShell 5.1 does not have (PowerShell 6+/7 only).
$Ps6PlusParameters = @{
    'ConvertFrom-Json' = @('AsHashtable', 'NoEnumerate', 'Depth', 'DateKind')
    'ConvertTo-Json'   = @('AsArray', 'EnumsAsStrings', 'EscapeHandling')
    'Join-Path'        = @('AdditionalChildPath')
    'Split-Path'       = @('LeafBase', 'Extension')
    'Get-Content'      = @('AsByteStream')
    'Set-Content'      = @('AsByteStream')
    'Get-Date'         = @('AsUTC', 'UnixTimeSeconds')
    'Start-Sleep'      = @('Duration')
    'Select-Object'    = @('CaseInsensitive')
    'Invoke-Command'   = @('HostName', 'SSHTransport', 'KeyFilePath', 'UserName', 'SSHConnection', 'Options')
    'New-PSSession'    = @('HostName', 'SSHTransport', 'KeyFilePath', 'UserName', 'SSHConnection', 'Options')
}

# Aliases resolved before rules look at command names (the ones that matter to these rules).
$CommandAliases = @{
    'iex' = 'Invoke-Expression'; '%' = 'ForEach-Object'; 'foreach' = 'ForEach-Object'; '?' = 'Where-Object'
    'where' = 'Where-Object'; 'gcim' = 'Get-CimInstance'; 'irm' = 'Invoke-RestMethod'; 'iwr' = 'Invoke-WebRequest'
    'icm' = 'Invoke-Command'; 'nsn' = 'New-PSSession'; 'gc' = 'Get-Content'; 'sc' = 'Set-Content'; 'sleep' = 'Start-Sleep'
    'select' = 'Select-Object'; 'curl' = 'Invoke-WebRequest'; 'wget' = 'Invoke-WebRequest'
}

# ---------------------------------------------------------------------------------------------------------
# Parsing and AST helpers
# ---------------------------------------------------------------------------------------------------------

$script:ParseCache = @{}

function Get-Parsed {
    param([Parameter(Mandatory = $true)] [string] $Path)
    if (-not $script:ParseCache.ContainsKey($Path)) {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
        $script:ParseCache[$Path] = [pscustomobject]@{ Ast = $ast; Tokens = $tokens; Errors = $errors }
    }
    $script:ParseCache[$Path]
}

function Get-RelativePath {
    param([string] $Path)
    $rel = [System.IO.Path]::GetRelativePath($RepoRoot, $Path)
    $rel.Replace('\', '/')
}

function Get-PowerShellFile {
    <# Every .ps1/.psm1/.psd1 under a folder, sorted; none when the folder does not exist. #>
    param([string] $Folder, [string[]] $Extension = @('.ps1', '.psm1', '.psd1'))
    if (-not [System.IO.Directory]::Exists($Folder)) { return }
    $all = [System.IO.Directory]::GetFiles($Folder, '*', [System.IO.SearchOption]::AllDirectories)
    $picked = [System.Collections.Generic.List[string]]::new()
    foreach ($f in $all) {
        if ($Extension -contains [System.IO.Path]::GetExtension($f).ToLowerInvariant()) { $picked.Add($f) }
    }
    $picked.Sort([System.StringComparer]::Ordinal)
    $picked.ToArray()
}

$script:NodeIndex = [System.Collections.Generic.Dictionary[object, hashtable]]::new([System.Collections.Generic.ReferenceEqualityComparer]::Instance)

function Find-Ast {
    <#
    The nodes under $Ast (itself included) whose class is one of $Type (exact class names, e.g. 'CommandAst'),
    filtered by $Where. One walk per AST, indexed by class: a script-block predicate per node per rule is slow.
    #>
    param($Ast, [string[]] $Type, [scriptblock] $Where)
    if (-not $script:NodeIndex.ContainsKey($Ast)) {
        $index = @{}
        foreach ($n in $Ast.FindAll({ $true }, $true)) {
            $k = $n.GetType().Name
            if (-not $index.ContainsKey($k)) { $index[$k] = [System.Collections.Generic.List[object]]::new() }
            $index[$k].Add($n)
        }
        $script:NodeIndex[$Ast] = $index
    }
    $index = $script:NodeIndex[$Ast]
    foreach ($t in $Type) {
        if (-not $index.ContainsKey($t)) { continue }
        foreach ($n in $index[$t]) {
            if ($null -eq $Where -or (& $Where $n)) { $n }
        }
    }
}

function New-Finding {
    <# One finding: where (an AST node, an extent or a token) and what. #>
    param($At, [string] $Message)
    $extent = $At
    if ($null -ne $At -and $At.PSObject.Properties['Extent']) { $extent = $At.Extent }
    $line = 0; $column = 0
    if ($null -ne $extent) { $line = $extent.StartLineNumber; $column = $extent.StartColumnNumber }
    [pscustomobject]@{ Line = $line; Column = $column; Message = $Message }
}

function Format-Finding {
    param([string] $Path, $Finding)
    '{0}:{1}:{2} {3}' -f (Get-RelativePath $Path), $Finding.Line, $Finding.Column, $Finding.Message
}

function Get-CommandCall {
    <# Command invocations in $Ast whose (alias-resolved, module-unqualified) name is one of $Name. #>
    param($Ast, [string[]] $Name)
    foreach ($cmd in (Find-Ast $Ast 'CommandAst')) {
        $resolved = Resolve-CommandName $cmd
        if ($resolved -and ($Name -contains $resolved)) { $cmd }
    }
}

function Resolve-CommandName {
    param($CommandAst)
    $n = $CommandAst.GetCommandName()
    if (-not $n) { return $null }
    $n = $n.Split('\')[-1]
    if ($CommandAliases.ContainsKey($n)) { return $CommandAliases[$n] }
    # Canonical casing for comparisons with -contains (case-insensitive anyway) and messages.
    $n
}

function Test-ParameterUsed {
    <# True when $CommandAst passes a parameter that abbreviates to (is a prefix of) one of $Name. #>
    param($CommandAst, [string[]] $Name, [int] $MinimumLength = 1)
    foreach ($el in $CommandAst.CommandElements) {
        if ($el -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
        $given = $el.ParameterName
        if ($given.Length -lt $MinimumLength) { continue }
        foreach ($full in $Name) {
            if ($full.StartsWith($given, [System.StringComparison]::OrdinalIgnoreCase)) { return $full }
        }
    }
    $null
}

function Get-TypeNameUse {
    <# [type] literals and casts/constraints in $Ast whose type name is one of $Name. #>
    param($Ast, [string[]] $Name)
    foreach ($node in (Find-Ast $Ast 'TypeConstraintAst', 'TypeExpressionAst')) {
        $tn = $node.TypeName
        if ($tn -and ($Name -contains $tn.Name -or $Name -contains $tn.FullName)) { $node }
    }
}

function Test-InPs3Path {
    <# The "PS3+ path" rule (see the header): inside an if-clause block marked `# PS3+ path` whose if tests $PSVersionTable. #>
    param($Node, $Tokens)
    for ($p = $Node.Parent; $null -ne $p; $p = $p.Parent) {
        if ($p -isnot [System.Management.Automation.Language.StatementBlockAst]) { continue }
        $if = $p.Parent
        if ($if -isnot [System.Management.Automation.Language.IfStatementAst]) { continue }
        $guarded = $false
        foreach ($clause in $if.Clauses) {
            if ($clause.Item1.Extent.Text -match '\$PSVersionTable\b') { $guarded = $true }
        }
        if (-not $guarded) { continue }
        $blockStart = $p.Extent.StartOffset
        $firstStatement = $p.Extent.EndOffset
        if ($p.Statements.Count -gt 0) { $firstStatement = $p.Statements[0].Extent.StartOffset }
        foreach ($t in $Tokens) {
            if ($t.Kind -eq 'Comment' -and $t.Extent.StartOffset -gt $blockStart -and $t.Extent.StartOffset -lt $firstStatement -and
                $t.Text -match '^#\s*PS3\+ path\b') {
                return $true
            }
        }
    }
    $false
}

function Get-TopLevelFunction {
    param($Ast)
    @($Ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $false))
}

function Get-CmdletBindingAttribute {
    param($FunctionAst)
    $pb = $FunctionAst.Body.ParamBlock
    if ($null -eq $pb) { return $null }
    foreach ($a in $pb.Attributes) {
        if ($a.TypeName.Name -in @('CmdletBinding', 'System.Management.Automation.CmdletBindingAttribute')) { return $a }
    }
    $null
}

function Test-NamedArgumentTrue {
    <# [CmdletBinding(SupportsShouldProcess)] or (SupportsShouldProcess = $true). #>
    param($AttributeAst, [string] $Name)
    if ($null -eq $AttributeAst) { return $false }
    foreach ($na in $AttributeAst.NamedArguments) {
        if ($na.ArgumentName -ne $Name) { continue }
        if ($na.ExpressionOmitted) { return $true }
        $text = $na.Argument.Extent.Text
        return ($text -eq '$true' -or $text -eq '1')
    }
    $false
}

function Get-ShouldProcessCall {
    param($Ast)
    Find-Ast $Ast 'InvokeMemberExpressionAst' {
        param($n)
        $n.Member -is [System.Management.Automation.Language.StringConstantExpressionAst] -and
        $n.Member.Value -in @('ShouldProcess', 'ShouldContinue')
    }
}

function Get-ManifestData {
    param($Ast)
    $ht = $Ast.Find({ param($n) $n -is [System.Management.Automation.Language.HashtableAst] }, $false)
    if ($null -eq $ht) { throw 'the manifest holds no hashtable' }
    $ht.SafeGetValue()
}

function Get-ManifestKey {
    <# The AST of a manifest key, for the position of a finding (the whole hashtable when the key is absent). #>
    param($Ast, [string] $Key)
    $ht = $Ast.Find({ param($n) $n -is [System.Management.Automation.Language.HashtableAst] }, $false)
    foreach ($pair in $ht.KeyValuePairs) {
        if ($pair.Item1 -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $pair.Item1.Value -eq $Key) { return $pair.Item1 }
    }
    $ht
}

# ---------------------------------------------------------------------------------------------------------
# The rules (one table). Check: param($Ast, $Tokens, $Path) -> findings (New-Finding).
# Bad: fixtures that must be flagged; Good: fixtures that must pass. Paths are relative to fixtures/.
# ---------------------------------------------------------------------------------------------------------

$Rules = @(
    # --- Security / style (module/ and ps1/) ---------------------------------------------------------------
    [pscustomobject]@{
        Id = 'AvoidUsingInvokeExpression'; Analyzer = 'AvoidUsingInvokeExpression'; Scope = 'Security'
        Summary = 'no Invoke-Expression / iex'
        Bad = @('bad/invoke-expression.ps1'); Good = @('good/security.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($c in (Get-CommandCall $Ast 'Invoke-Expression')) { New-Finding $c "Invoke-Expression ('$($c.GetCommandName())') runs text as code" }
        }
    }
    [pscustomobject]@{
        Id = 'AvoidUsingWriteHost'; Analyzer = 'AvoidUsingWriteHost'; Scope = 'Security'
        Summary = 'no Write-Host (use Write-Verbose/Information, or output)'
        Bad = @('bad/write-host.ps1'); Good = @('good/security.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($c in (Get-CommandCall $Ast 'Write-Host')) { New-Finding $c 'Write-Host bypasses the pipeline' }
        }
    }
    [pscustomobject]@{
        Id = 'AvoidUsingConvertToSecureStringWithPlainText'; Analyzer = 'AvoidUsingConvertToSecureStringWithPlainText'; Scope = 'Security'
        Summary = 'no ConvertTo-SecureString -AsPlainText'
        Bad = @('bad/convertto-securestring-plaintext.ps1'); Good = @('good/security.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($c in (Get-CommandCall $Ast 'ConvertTo-SecureString')) {
                if (Test-ParameterUsed $c 'AsPlainText') { New-Finding $c 'ConvertTo-SecureString -AsPlainText puts a secret in plain text' }
            }
        }
    }
    [pscustomobject]@{
        Id = 'AvoidUsingPlainTextForPassword'; Analyzer = 'AvoidUsingPlainTextForPassword'; Scope = 'Security'
        Summary = 'parameters named *Password*, *Passphrase* or *Credential* are not [string]/[string[]]/untyped'
        Bad = @('bad/plaintext-password.ps1'); Good = @('good/security.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($p in (Find-Ast $Ast 'ParameterAst')) {
                $name = $p.Name.VariablePath.UserPath
                if ($name -notmatch 'Password|Passphrase|Credential') { continue }
                if ($p.StaticType -in @([string], [string[]], [object])) {
                    New-Finding $p "parameter `$$name is $($p.StaticType.Name): use [SecureString] or [PSCredential]"
                }
            }
        }
    }
    [pscustomobject]@{
        Id = 'UsePSCredentialType'; Analyzer = 'UsePSCredentialType'; Scope = 'Security'
        Summary = 'parameters named *Credential are [PSCredential]'
        Bad = @('bad/credential-not-pscredential.ps1'); Good = @('good/security.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($p in (Find-Ast $Ast 'ParameterAst')) {
                $name = $p.Name.VariablePath.UserPath
                if ($name -notlike '*Credential') { continue }
                if ($p.StaticType -ne [System.Management.Automation.PSCredential]) {
                    New-Finding $p "parameter `$$name is $($p.StaticType.Name), not [System.Management.Automation.PSCredential]"
                }
            }
        }
    }

    # --- Windows PowerShell 5.1 syntax floor (module/ and ps1/) ----------------------------------------------
    [pscustomobject]@{
        Id = 'Compat51.Ternary'; Analyzer = 'UseCompatibleSyntax'; Scope = 'Compat51'
        Summary = 'no ternary `a ? b : c` (7.0)'
        Bad = @('bad/uses-ternary.ps1'); Good = @('good/module-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'TernaryExpressionAst')) { New-Finding $n 'ternary operator (PowerShell 7.0)' }
        }
    }
    [pscustomobject]@{
        Id = 'Compat51.PipelineChain'; Analyzer = 'UseCompatibleSyntax'; Scope = 'Compat51'
        Summary = 'no pipeline chains `&&` / `||` (7.0)'
        Bad = @('bad/uses-pipeline-chain.ps1'); Good = @('good/module-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'PipelineChainAst')) { New-Finding $n 'pipeline chain operator && or || (PowerShell 7.0)' }
        }
    }
    [pscustomobject]@{
        Id = 'Compat51.NullCoalescing'; Analyzer = 'UseCompatibleSyntax'; Scope = 'Compat51'
        Summary = 'no `??` / `??=` (7.0)'
        Bad = @('bad/uses-null-coalescing.ps1'); Good = @('good/module-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'BinaryExpressionAst' { param($n) [string]$n.Operator -eq 'QuestionQuestion' })) {
                New-Finding $n 'null-coalescing operator ?? (PowerShell 7.0)'
            }
            foreach ($n in (Find-Ast $Ast 'AssignmentStatementAst' { param($n) [string]$n.Operator -eq 'QuestionQuestionEquals' })) {
                New-Finding $n 'null-coalescing assignment ??= (PowerShell 7.0)'
            }
        }
    }
    [pscustomobject]@{
        Id = 'Compat51.NullConditional'; Analyzer = 'UseCompatibleSyntax'; Scope = 'Compat51'
        Summary = 'no null-conditional member access `?.` / `?[]` (7.1)'
        Bad = @('bad/uses-null-conditional.ps1'); Good = @('good/module-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'MemberExpressionAst', 'InvokeMemberExpressionAst', 'IndexExpressionAst' { param($n) $n.NullConditional })) {
                New-Finding $n 'null-conditional access ?. or ?[] (PowerShell 7.1)'
            }
        }
    }
    [pscustomobject]@{
        Id = 'Compat51.CleanBlock'; Analyzer = 'UseCompatibleSyntax'; Scope = 'Compat51'
        Summary = 'no `clean {}` block (7.3)'
        Bad = @('bad/uses-clean-block.ps1'); Good = @('good/module-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'ScriptBlockAst' { param($n) $null -ne $n.CleanBlock })) {
                New-Finding $n.CleanBlock 'clean block (PowerShell 7.3)'
            }
        }
    }
    [pscustomobject]@{
        Id = 'Compat51.BackgroundOperator'; Analyzer = 'UseCompatibleSyntax'; Scope = 'Compat51'
        Summary = 'no background operator `cmd &` (6.0)'
        Bad = @('bad/uses-background-operator.ps1'); Good = @('good/module-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'PipelineAst' { param($n) $n.Background })) {
                New-Finding $n 'background operator & (PowerShell 6.0)'
            }
        }
    }
    [pscustomobject]@{
        Id = 'Compat51.UnicodeEscape'; Analyzer = 'UseCompatibleSyntax'; Scope = 'Compat51'
        Summary = 'no "`u{...}" escapes (6.0)'
        Bad = @('bad/uses-unicode-escape.ps1'); Good = @('good/module-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($t in $Tokens) {
                if ($t.Kind -in @('StringExpandable', 'HereStringExpandable') -and $t.Text -match '`u\{') {
                    New-Finding $t 'unicode escape `u{...} (PowerShell 6.0)'
                }
            }
        }
    }
    [pscustomobject]@{
        Id = 'Compat51.ForEachParallel'; Analyzer = 'UseCompatibleCommands'; Scope = 'Compat51'
        Summary = 'no ForEach-Object -Parallel (7.0)'
        Bad = @('bad/uses-foreach-parallel.ps1'); Good = @('good/module-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($c in (Get-CommandCall $Ast 'ForEach-Object')) {
                if (Test-ParameterUsed $c 'Parallel' -MinimumLength 2) { New-Finding $c 'ForEach-Object -Parallel (PowerShell 7.0)' }
            }
        }
    }
    [pscustomobject]@{
        Id = 'Compat51.Ps6Parameters'; Analyzer = 'UseCompatibleCommands'; Scope = 'Compat51'
        Summary = 'no parameters that only PowerShell 6+/7 has (ConvertFrom-Json -AsHashtable, ConvertTo-Json -AsArray, Join-Path -AdditionalChildPath ...)'
        Bad = @('bad/uses-ps7-parameter.ps1'); Good = @('good/module-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($c in (Get-CommandCall $Ast @($Ps6PlusParameters.Keys))) {
                $name = Resolve-CommandName $c
                $hit = Test-ParameterUsed $c $Ps6PlusParameters[$name] -MinimumLength 2
                if ($hit) { New-Finding $c "$name -$hit exists only in PowerShell 6+" }
            }
        }
    }

    # --- PowerShell 2.0 (ps1/) ---------------------------------------------------------------------------------
    [pscustomobject]@{
        Id = 'PS2.Ordered'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no [ordered] (3.0)'
        Bad = @('bad/ps2-ordered.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Get-TypeNameUse $Ast 'ordered')) { New-Finding $n '[ordered] (PowerShell 3.0)' }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.NewMethod'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no [type]::new() (5.0); use New-Object'
        Bad = @('bad/ps2-new.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'InvokeMemberExpressionAst' { param($n) $n.Static -and $n.Member -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $n.Member.Value -eq 'new' })) {
                New-Finding $n '::new() (PowerShell 5.0)'
            }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.InOperator'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no -in / -notin (3.0); use -contains / -notcontains'
        Bad = @('bad/ps2-in-operator.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'BinaryExpressionAst' { param($n) ([string]$n.Operator) -in @('In', 'NotIn', 'Iin', 'Cin', 'Inotin', 'Cnotin') })) {
                New-Finding $n "$($n.ErrorPosition.Text) (PowerShell 3.0)"
            }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.TypeDefinition'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no class / enum (5.0)'
        Bad = @('bad/ps2-class.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'TypeDefinitionAst')) { New-Finding $n "class/enum '$($n.Name)' (PowerShell 5.0)" }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.UsingStatement'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no `using namespace|module|assembly` (5.0)'
        Bad = @('bad/ps2-using-statement.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'UsingStatementAst')) { New-Finding $n 'using statement (PowerShell 5.0)' }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.UsingScope'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no $using: variables (3.0); pass -ArgumentList'
        Bad = @('bad/ps2-using-scope.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'UsingExpressionAst')) { New-Finding $n '$using: scope (PowerShell 3.0)' }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.AutomaticVariables'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no $PSItem, $PSCommandPath, or $PSScriptRoot outside modules (3.0); use $_ and $MyInvocation'
        Bad = @('bad/ps2-psitem.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'VariableExpressionAst' { param($n) $n.VariablePath.UserPath -in @('PSItem', 'PSCommandPath', 'PSScriptRoot') })) {
                New-Finding $n "`$$($n.VariablePath.UserPath) (PowerShell 3.0 in scripts)"
            }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.PSCustomObject'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no [pscustomobject] accelerator and no hashtable cast to PSCustomObject (3.0); use New-Object PSObject -Property ([System.Management.Automation.PSCustomObject] itself is fine)'
        Bad = @('bad/ps2-pscustomobject.ps1', 'bad/ps2-pscustomobject-cast.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Get-TypeNameUse $Ast @('pscustomobject'))) {
                if ($n.TypeName.Name -eq 'pscustomobject') { New-Finding $n '[pscustomobject] type accelerator (PowerShell 3.0)' }
            }
            foreach ($n in (Find-Ast $Ast 'ConvertExpressionAst' { param($n) $n.Child -is [System.Management.Automation.Language.HashtableAst] -and
                        $n.Type.TypeName.FullName -eq 'System.Management.Automation.PSCustomObject' })) {
                New-Finding $n 'hashtable cast to PSCustomObject (PowerShell 3.0)'
            }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.ShiftOperator'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no -shl / -shr (3.0)'
        Bad = @('bad/ps2-shift.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'BinaryExpressionAst' { param($n) ([string]$n.Operator) -in @('Shl', 'Shr') })) {
                New-Finding $n "$($n.ErrorPosition.Text) (PowerShell 3.0)"
            }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.SimplifiedSyntax'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'ForEach-Object / Where-Object take a script block (the `ForEach-Object Name` / -MemberName and `Where-Object Name -eq x` forms are 3.0)'
        Bad = @('bad/ps2-simplified-syntax.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($c in (Get-CommandCall $Ast @('ForEach-Object', 'Where-Object'))) {
                $hasBlock = $false
                foreach ($el in $c.CommandElements) { if ($el -is [System.Management.Automation.Language.ScriptBlockExpressionAst]) { $hasBlock = $true } }
                if (-not $hasBlock -or (Test-ParameterUsed $c 'MemberName' -MinimumLength 1)) {
                    New-Finding $c "$(Resolve-CommandName $c) without a script block (simplified syntax, PowerShell 3.0)"
                }
            }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.ForEachWhereMethod'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no .ForEach({}) / .Where({}) methods (4.0)'
        Bad = @('bad/ps2-foreach-method.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($n in (Find-Ast $Ast 'InvokeMemberExpressionAst' { param($n)
                        -not $n.Static -and
                        $n.Member -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $n.Member.Value -in @('ForEach', 'Where') -and
                        @($n.Arguments | Where-Object { $_ -is [System.Management.Automation.Language.ScriptBlockExpressionAst] }).Count -gt 0 })) {
                New-Finding $n ".$($n.Member.Value)({ }) method (PowerShell 4.0)"
            }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.RequiresVersion'; Analyzer = 'UseCompatibleSyntax'; Scope = 'PS2'
        Summary = 'no #requires -Version above 2.0'
        Bad = @('bad/ps2-requires-version.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            $req = $Ast.ScriptRequirements
            if ($null -ne $req -and $null -ne $req.RequiredPSVersion -and $req.RequiredPSVersion -gt [version]'2.0') {
                $at = $null
                foreach ($t in $Tokens) { if ($t.Kind -eq 'Comment' -and $t.Text -match '^#requires') { $at = $t; break } }
                New-Finding $at "#requires -Version $($req.RequiredPSVersion)"
            }
        }
    }
    [pscustomobject]@{
        Id = 'PS2.Cmdlets3Plus'; Analyzer = 'UseCompatibleCommands'; Scope = 'PS2'
        Summary = 'no ConvertFrom-Json/ConvertTo-Json, Get-CimInstance, Get-FileHash ... (3.0+) outside a `# PS3+ path` block guarded by $PSVersionTable'
        Bad = @('bad/ps2-v3-cmdlets.ps1', 'bad/ps2-v3-cmdlets-unguarded-marker.ps1'); Good = @('good/ps2-syntax.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($c in (Get-CommandCall $Ast @($Ps3PlusCmdlets.Keys))) {
                if (-not (Test-InPs3Path $c $Tokens)) {
                    $name = Resolve-CommandName $c
                    New-Finding $c "$name (PowerShell $($Ps3PlusCmdlets[$name])) outside a '# PS3+ path' block guarded by `$PSVersionTable"
                }
            }
        }
    }

    # --- Script blocks the module sends to a DSS (module/) --------------------------------------------------------
    [pscustomobject]@{
        Id = 'Remote.PS2ScriptBlocks'; Analyzer = 'UseCompatibleSyntax'; Scope = 'Remote'
        Summary = 'script blocks passed to Invoke-Command -ScriptBlock in module/ keep to every PS2.* rule (they run on the DSS)'
        Bad = @('bad/remote-block-ps3.ps1'); Good = @('good/remote-block-ps2.ps1')
        Check = { param($Ast, $Tokens, $Path)
            $ps2 = @($Rules | Where-Object { $_.Scope -eq 'PS2' })
            foreach ($c in (Get-CommandCall $Ast 'Invoke-Command')) {
                foreach ($el in $c.CommandElements) {
                    if ($el -isnot [System.Management.Automation.Language.ScriptBlockExpressionAst]) { continue }
                    $block = $el.ScriptBlock
                    $inside = @($Tokens | Where-Object { $_.Extent.StartOffset -ge $block.Extent.StartOffset -and $_.Extent.EndOffset -le $block.Extent.EndOffset })
                    foreach ($r in $ps2) {
                        foreach ($f in (& $r.Check $block $inside $Path)) {
                            [pscustomobject]@{ Line = $f.Line; Column = $f.Column; Message = "$($r.Id): $($f.Message) (Invoke-Command script block)" }
                        }
                    }
                }
            }
        }
    }

    # --- Public cmdlets (module/*/Public/*.ps1) -------------------------------------------------------------------
    [pscustomobject]@{
        Id = 'Public.OneFunctionNamedAsFile'; Analyzer = 'none (dbatools/PSFramework general test)'; Scope = 'Public'
        Summary = 'each Public file defines exactly one function, named as the file'
        Bad = @('bad/name-mismatch/Public/Get-Thing.ps1', 'bad/two-functions/Public/Get-Thing.ps1'); Good = @('good/Public/Get-Thing.ps1', 'good/Public/New-Thing.ps1')
        Check = { param($Ast, $Tokens, $Path)
            $expected = [System.IO.Path]::GetFileNameWithoutExtension($Path)
            $fns = @(Get-TopLevelFunction $Ast)
            if ($fns.Count -ne 1) { New-Finding $Ast "defines $($fns.Count) top-level functions; expected exactly one, '$expected'" }
            foreach ($f in $fns) {
                if ($f.Name -cne $expected) { New-Finding $f "function '$($f.Name)' is not named as its file ('$expected')" }
            }
        }
    }
    [pscustomobject]@{
        Id = 'Public.ApprovedVerb'; Analyzer = 'UseApprovedVerbs'; Scope = 'Public'
        Summary = 'Verb-Noun name with an approved verb (Get-Verb of PowerShell 7)'
        Bad = @('bad/unapproved-verb/Public/Make-Thing.ps1'); Good = @('good/Public/Get-Thing.ps1', 'good/Public/New-Thing.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($f in (Get-TopLevelFunction $Ast)) {
                $parts = $f.Name.Split('-')
                if ($parts.Count -ne 2 -or -not $parts[1]) { New-Finding $f "'$($f.Name)' is not Verb-Noun"; continue }
                if ($ApprovedVerbs -cnotcontains $parts[0]) { New-Finding $f "'$($parts[0])' is not an approved verb" }
            }
        }
    }
    [pscustomobject]@{
        Id = 'Public.CmdletBinding'; Analyzer = 'none (Strongly Encouraged Development Guidelines: advanced functions)'; Scope = 'Public'
        Summary = 'an advanced function: [CmdletBinding()] on its param block'
        Bad = @('bad/no-cmdletbinding/Public/Get-Thing.ps1'); Good = @('good/Public/Get-Thing.ps1', 'good/Public/New-Thing.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($f in (Get-TopLevelFunction $Ast)) {
                if ($null -eq (Get-CmdletBindingAttribute $f)) { New-Finding $f "'$($f.Name)' has no [CmdletBinding()] param block" }
            }
        }
    }
    [pscustomobject]@{
        Id = 'Public.StateChangingShouldProcess'; Analyzer = 'UseShouldProcessForStateChangingFunctions'; Scope = 'Public'
        Summary = "state-changing verbs ($($StateChangingVerbs -join ', ')) declare SupportsShouldProcess"
        Bad = @('bad/no-shouldprocess/Public/New-Thing.ps1'); Good = @('good/Public/Get-Thing.ps1', 'good/Public/New-Thing.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($f in (Get-TopLevelFunction $Ast)) {
                $verb = $f.Name.Split('-')[0]
                if ($StateChangingVerbs -contains $verb -and -not (Test-NamedArgumentTrue (Get-CmdletBindingAttribute $f) 'SupportsShouldProcess')) {
                    New-Finding $f "'$($f.Name)' changes state ($verb) but does not declare SupportsShouldProcess"
                }
            }
        }
    }
    [pscustomobject]@{
        Id = 'Public.ShouldProcessCalled'; Analyzer = 'ShouldProcess'; Scope = 'Public'
        Summary = 'SupportsShouldProcess is declared if and only if the function calls ShouldProcess/ShouldContinue'
        Bad = @('bad/shouldprocess-not-called/Public/Set-Thing.ps1', 'bad/shouldprocess-undeclared/Public/Get-Thing.ps1'); Good = @('good/Public/Get-Thing.ps1', 'good/Public/New-Thing.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($f in (Get-TopLevelFunction $Ast)) {
                $declared = Test-NamedArgumentTrue (Get-CmdletBindingAttribute $f) 'SupportsShouldProcess'
                $called = @(Get-ShouldProcessCall $f.Body).Count -gt 0
                if ($declared -and -not $called) { New-Finding $f "'$($f.Name)' declares SupportsShouldProcess but never calls ShouldProcess" }
                if ($called -and -not $declared) { New-Finding $f "'$($f.Name)' calls ShouldProcess without declaring SupportsShouldProcess" }
            }
        }
    }
    [pscustomobject]@{
        Id = 'Public.OutputType'; Analyzer = 'UseOutputTypeCorrectly'; Scope = 'Public'
        Summary = 'declares [OutputType(...)]'
        Bad = @('bad/no-outputtype/Public/Get-Thing.ps1'); Good = @('good/Public/Get-Thing.ps1', 'good/Public/New-Thing.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($f in (Get-TopLevelFunction $Ast)) {
                $pb = $f.Body.ParamBlock
                $ot = @()
                if ($pb) { $ot = @($pb.Attributes | Where-Object { $_.TypeName.Name -in @('OutputType', 'System.Management.Automation.OutputTypeAttribute') -and $_.PositionalArguments.Count -gt 0 }) }
                if ($ot.Count -eq 0) { New-Finding $f "'$($f.Name)' declares no [OutputType()]" }
            }
        }
    }
    [pscustomobject]@{
        Id = 'Public.CommentHelp'; Analyzer = 'ProvideCommentHelp'; Scope = 'Public'
        Summary = 'comment-based help with .SYNOPSIS, .DESCRIPTION, two or more .EXAMPLEs, every parameter described, .OUTPUTS and .LINK'
        Bad = @('bad/missing-help/Public/Get-Thing.ps1', 'bad/help-no-description/Public/Get-Thing.ps1', 'bad/help-one-example/Public/Get-Thing.ps1',
            'bad/help-undescribed-parameter/Public/Get-Thing.ps1', 'bad/help-no-outputs/Public/Get-Thing.ps1', 'bad/help-no-link/Public/Get-Thing.ps1')
        Good = @('good/Public/Get-Thing.ps1', 'good/Public/New-Thing.ps1')
        Check = { param($Ast, $Tokens, $Path)
            foreach ($f in (Get-TopLevelFunction $Ast)) {
                $help = $f.GetHelpContent()
                if ($null -eq $help) { New-Finding $f "'$($f.Name)' has no comment-based help"; continue }
                if (-not ([string]$help.Synopsis).Trim()) { New-Finding $f "'$($f.Name)' help has no .SYNOPSIS" }
                if (-not ([string]$help.Description).Trim()) { New-Finding $f "'$($f.Name)' help has no .DESCRIPTION" }
                $examples = @($help.Examples | Where-Object { ([string]$_).Trim() })
                if ($examples.Count -lt 2) { New-Finding $f "'$($f.Name)' help has $($examples.Count) .EXAMPLE(s); at least 2 wanted" }
                if (@($help.Outputs | Where-Object { ([string]$_).Trim() }).Count -eq 0) { New-Finding $f "'$($f.Name)' help has no .OUTPUTS" }
                if (@($help.Links | Where-Object { ([string]$_).Trim() }).Count -eq 0) { New-Finding $f "'$($f.Name)' help has no .LINK" }
                if ($f.Body.ParamBlock) {
                    foreach ($p in $f.Body.ParamBlock.Parameters) {
                        $pn = $p.Name.VariablePath.UserPath
                        $key = $pn.ToUpperInvariant()
                        if (-not $help.Parameters.ContainsKey($key) -or -not ([string]$help.Parameters[$key]).Trim()) {
                            New-Finding $p "'$($f.Name)' help does not describe -$pn (.PARAMETER $pn)"
                        }
                    }
                }
            }
        }
    }

    # --- The module manifest -----------------------------------------------------------------------------------
    [pscustomobject]@{
        Id = 'Manifest.Valid'; Analyzer = 'none (Test-ModuleManifest)'; Scope = 'Manifest'
        Summary = 'Test-ModuleManifest succeeds without errors'
        Bad = @('bad/manifest-invalid/Thing/Thing.psd1'); Good = @('good/manifest/Thing/Thing.psd1')
        Check = { param($Ast, $Tokens, $Path)
            $errs = $null
            try {
                $info = Test-ModuleManifest -Path $Path -ErrorAction SilentlyContinue -ErrorVariable errs
                if ($null -eq $info) { New-Finding $null 'Test-ModuleManifest returned nothing' }
            }
            catch {
                New-Finding $null "Test-ModuleManifest: $($_.Exception.Message) [$($_.FullyQualifiedErrorId)]"
            }
            foreach ($e in @($errs)) {
                if ($null -eq $e) { continue }
                $hint = ''
                if ($e.Exception.Message -match 'resync-glb\.cjs') { $hint = ' (the bundle is made by `node build.mjs`, which npm test runs first)' }
                New-Finding $null "Test-ModuleManifest: $($e.Exception.Message) [$($e.FullyQualifiedErrorId)]$hint"
            }
        }
    }
    [pscustomobject]@{
        Id = 'Manifest.Compatibility'; Analyzer = 'none (UseCompatibleSyntax target declared)'; Scope = 'Manifest'
        Summary = "PowerShellVersion '5.1' and CompatiblePSEditions Desktop and Core"
        Bad = @('bad/manifest-ps7/Thing/Thing.psd1'); Good = @('good/manifest/Thing/Thing.psd1')
        Check = { param($Ast, $Tokens, $Path)
            $m = Get-ManifestData $Ast
            if ([string]$m['PowerShellVersion'] -ne '5.1') { New-Finding (Get-ManifestKey $Ast 'PowerShellVersion') "PowerShellVersion is '$($m['PowerShellVersion'])', not '5.1'" }
            $editions = @($m['CompatiblePSEditions'])
            foreach ($e in @('Desktop', 'Core')) { if ($editions -notcontains $e) { New-Finding (Get-ManifestKey $Ast 'CompatiblePSEditions') "CompatiblePSEditions lacks '$e'" } }
        }
    }
    [pscustomobject]@{
        Id = 'Manifest.Files'; Analyzer = 'none (module layout)'; Scope = 'Manifest'
        Summary = 'RootModule is set and exists; every FormatsToProcess / TypesToProcess file exists'
        Bad = @('bad/manifest-missing-files/Thing/Thing.psd1'); Good = @('good/manifest/Thing/Thing.psd1')
        Check = { param($Ast, $Tokens, $Path)
            $m = Get-ManifestData $Ast
            $dir = [System.IO.Path]::GetDirectoryName($Path)
            if (-not $m['RootModule']) { New-Finding (Get-ManifestKey $Ast 'RootModule') 'RootModule is not set' }
            elseif (-not [System.IO.File]::Exists([System.IO.Path]::Combine($dir, [string]$m['RootModule']))) { New-Finding (Get-ManifestKey $Ast 'RootModule') "RootModule '$($m['RootModule'])' does not exist" }
            foreach ($key in @('FormatsToProcess', 'TypesToProcess')) {
                foreach ($f in @($m[$key])) {
                    if ($null -eq $f) { continue }
                    if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($dir, [string]$f))) { New-Finding (Get-ManifestKey $Ast $key) "$key file '$f' does not exist" }
                }
            }
        }
    }
    [pscustomobject]@{
        Id = 'Manifest.Exports'; Analyzer = 'none (dbatools/PSFramework general test; UseToExportFieldsInManifest)'; Scope = 'Manifest'
        Summary = 'FunctionsToExport is exactly the Public/*.ps1 base names; no wildcard in Functions/Cmdlets/Aliases/VariablesToExport'
        Bad = @('bad/manifest-wildcard/Thing/Thing.psd1', 'bad/manifest-export-mismatch/Thing/Thing.psd1'); Good = @('good/manifest/Thing/Thing.psd1')
        Check = { param($Ast, $Tokens, $Path)
            $m = Get-ManifestData $Ast
            foreach ($key in @('FunctionsToExport', 'CmdletsToExport', 'AliasesToExport', 'VariablesToExport')) {
                if (-not $m.ContainsKey($key)) { New-Finding (Get-ManifestKey $Ast $key) "$key is not set (it defaults to '*')"; continue }
                foreach ($v in @($m[$key])) { if ([string]$v -match '[\*\?\[]') { New-Finding (Get-ManifestKey $Ast $key) "$key has the wildcard '$v'" } }
            }
            $publicDir = [System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName($Path), 'Public')
            $public = @(Get-PowerShellFile $publicDir @('.ps1') | ForEach-Object { [System.IO.Path]::GetFileNameWithoutExtension($_) })
            $listed = @($m['FunctionsToExport'] | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
            foreach ($n in $public) { if ($listed -cnotcontains $n) { New-Finding (Get-ManifestKey $Ast 'FunctionsToExport') "Public/$n.ps1 is not in FunctionsToExport" } }
            foreach ($n in $listed) { if ($public -cnotcontains $n -and $n -notmatch '[\*\?\[]') { New-Finding (Get-ManifestKey $Ast 'FunctionsToExport') "FunctionsToExport lists '$n', which has no Public/$n.ps1" } }
        }
    }
)

# ---------------------------------------------------------------------------------------------------------
# Running rules
# ---------------------------------------------------------------------------------------------------------

function Invoke-Rule {
    <#
    The findings of one rule on one file, as "file:line:col message" strings. A file with parse errors is checked
    on the partial AST the parser returns; its parse test fails for the errors themselves.
    #>
    param($Rule, [string] $Path)
    $parsed = Get-Parsed $Path
    @(foreach ($f in (& $Rule.Check $parsed.Ast $parsed.Tokens $Path)) { Format-Finding $Path $f })
}

$ModuleDir = [System.IO.Path]::Combine($RepoRoot, 'module')
$Ps1Dir = [System.IO.Path]::Combine($RepoRoot, 'ps1')
$ModuleFiles = @(Get-PowerShellFile $ModuleDir)
$Ps1Files = @(Get-PowerShellFile $Ps1Dir)
$PublicFiles = @(foreach ($d in @(if ([System.IO.Directory]::Exists($ModuleDir)) { [System.IO.Directory]::GetDirectories($ModuleDir) })) {
        Get-PowerShellFile ([System.IO.Path]::Combine($d, 'Public')) @('.ps1')
    })
# The manifest as shipped: Test-ModuleManifest checks its FileList, which names the built bundle and ps1/.
$ManifestPath = [System.IO.Path]::Combine($RepoRoot, 'dist', 'ResyncGlb', 'ResyncGlb.psd1')

function Get-ScopeFile {
    param([string] $Scope)
    switch ($Scope) {
        'Security' { @($ModuleFiles) + @($Ps1Files) | Where-Object { $_ -notlike '*.psd1' } }
        'Compat51' { @($ModuleFiles) + @($Ps1Files) }
        'PS2' { $Ps1Files }
        'Remote' { $ModuleFiles | Where-Object { $_ -notlike '*.psd1' } }
        'Public' { $PublicFiles }
        'Manifest' { $ManifestPath }
        default { throw "unknown scope $Scope" }
    }
}

$ScopeLabel = @{
    Security = 'module/ + ps1/'; Compat51 = 'module/ + ps1/'; PS2 = 'ps1/'; Remote = 'module/ (Invoke-Command blocks)'; Public = 'module/*/Public'; Manifest = 'dist/ResyncGlb/ResyncGlb.psd1 (built)'
}

function Get-RuleTable {
    <# The rule table as Markdown (README.md beside this file holds it between the rules markers). #>
    '| Rule | PSScriptAnalyzer rule | Scope | Flags | Proven by (fixtures/) |'
    '|---|---|---|---|---|'
    foreach ($r in $Rules) {
        '| `{0}` | {1} | {2} | {3} | {4} |' -f $r.Id, $r.Analyzer, $ScopeLabel[$r.Scope], $r.Summary.Replace('|', '\|'), (($r.Bad | ForEach-Object { "``$_``" }) -join ', ')
    }
}
