#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# New-ResyncGlb end to end on a fresh lab DSS (a real lab DXA process), with WhatIf/Confirm/Force.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $root = Get-TestRoot
    Import-Module (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1') -Force
}

Describe 'New-ResyncGlb on a lab DSS' {
    BeforeEach {
        $lab = New-TestLab
    }
    AfterEach {
        Remove-TestLab -Path $lab
    }

    It 'returns one ResyncGlb.Result with the file, its hash, the value gone and the service running' {
        $r = New-ResyncGlb -LabPath $lab -Requestor PO1, PO2 -Force
        @($r).Count | Should -Be 1
        $r.PSObject.TypeNames[0] | Should -Be 'ResyncGlb.Result'
        $r.Requestor | Should -Be @('PO1', 'PO2')
        Test-Path -LiteralPath $r.Path | Should -BeTrue
        $r.Length | Should -Be (Get-Item -LiteralPath $r.Path).Length
        $r.Sha256 | Should -BeExactly (Get-FileHash -LiteralPath $r.Path -Algorithm SHA256).Hash
        $r.ValueRemoved | Should -BeTrue
        $r.ServiceStatus | Should -Be 'Running'
        $r.Duration | Should -BeOfType [timespan]
        $r.LastWriteTimeUtc | Should -BeOfType [datetime]
        Get-TestLabValue -Path $lab | Should -BeNullOrEmpty
    }

    It '-WhatIf prints each change and leaves the lab byte-identical' {
        $before = Get-TestLabSnapshot -Path $lab
        $out = New-ResyncGlb -LabPath $lab -Requestor PO1 -WhatIf 6>&1
        $out | Should -BeNullOrEmpty -Because 'WhatIf writes no output objects'
        Get-TestLabSnapshot -Path $lab | Should -BeExactly $before
    }

    It '-Confirm:$false runs without a prompt; -Force alone too' {
        (New-ResyncGlb -LabPath $lab -Requestor PO1 -Confirm:$false).ValueRemoved | Should -BeTrue
        (New-ResyncGlb -LabPath $lab -Requestor PO2 -Force).ValueRemoved | Should -BeTrue
    }

    It 'reports progress and completes every progress activity it opens' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1')).AddStatement()
            $null = $ps.AddCommand('New-ResyncGlb').AddParameter('LabPath', $lab).AddParameter('Requestor', @('PO1')).AddParameter('Force', $true)
            $out = @($ps.Invoke())
            $ps.Streams.Error | Should -BeNullOrEmpty
            @($out).Count | Should -Be 1
            $records = @($ps.Streams.Progress)
        }
        finally { $ps.Dispose() }
        $records.Count | Should -BeGreaterThan 0
        $last = @{}
        foreach ($p in $records) { $last[$p.ActivityId] = $p }
        @($last.Values | Where-Object { $_.RecordType -ne 'Completed' } | ForEach-Object { "[$($_.ActivityId)] $($_.Activity): $($_.StatusDescription)" }) |
            Should -BeNullOrEmpty -Because 'every activity opened must end with a Completed record'
    }

    It 'without -Force a console asks once (ConfirmImpact High): No changes nothing, Yes runs' {
        # A real console host: a fresh pwsh whose prompts read the answer from its redirected stdin.
        $script = Join-Path $lab 'confirm.ps1'
        Set-Content -LiteralPath $script -Value @(
            'param([string] $Manifest, [string] $Lab)'
            'Import-Module $Manifest'
            '$r = New-ResyncGlb -LabPath $Lab -Requestor PO1'
            '"RESULTS=$(@($r).Count)"'
        )
        $before = Get-TestLabSnapshot -Path $lab
        $no = 'N' | & (Get-TestPwshPath) -NoProfile -File $script -Manifest (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1') -Lab $lab 2>&1
        ($no -join "`n") | Should -Match 'Are you sure you want to perform this action\?'
        ($no -join "`n") | Should -Match 'RESULTS=0'
        Get-TestLabSnapshot -Path $lab | Should -BeExactly $before
        $yes = 'Y' | & (Get-TestPwshPath) -NoProfile -File $script -Manifest (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1') -Lab $lab 2>&1
        @($yes | Where-Object { "$_" -match 'Are you sure' }).Count | Should -Be 1
        ($yes -join "`n") | Should -Match 'RESULTS=1'
        Get-TestLabValue -Path $lab | Should -BeNullOrEmpty
    }

    It '-WhatIf writes What if: lines to the host' {
        $script = Join-Path $lab 'whatif.ps1'
        Set-Content -LiteralPath $script -Value @('param([string] $Manifest, [string] $Lab)', 'Import-Module $Manifest', 'New-ResyncGlb -LabPath $Lab -Requestor PO1 -WhatIf')
        $out = & (Get-TestPwshPath) -NoProfile -NonInteractive -File $script -Manifest (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1') -Lab $lab 2>&1
        @($out | Where-Object { "$_" -like 'What if:*' }).Count | Should -BeGreaterThan 0
    }

    It 'declares ConfirmImpact High so a default session asks first' {
        $meta = [System.Management.Automation.CommandMetadata]::new((Get-Command New-ResyncGlb))
        $meta.ConfirmImpact | Should -Be 'High'
        $meta.SupportsShouldProcess | Should -BeTrue
    }

    It 'refuses a pending value without -Force (ValuePending) and changes nothing' {
        $null = Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--pending-value', 'OLDPO')
        $before = Get-TestLabSnapshot -Path $lab
        { New-ResyncGlb -LabPath $lab -Requestor PO1 -Confirm:$false } | Should -Throw -ErrorId 'ResyncGlb.ValuePending,New-ResyncGlb'
        Get-TestLabSnapshot -Path $lab | Should -BeExactly $before
    }

    It 'reports invalid names as ResyncGlb.InvalidRequestor with category InvalidArgument' {
        $err = $null
        try { New-ResyncGlb -LabPath $lab -Requestor 'ok', '', "a`nb" -Force } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.InvalidRequestor,New-ResyncGlb'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'line break'
    }

    It 'an unknown lab path is ResyncGlb.LabNotFound' {
        { New-ResyncGlb -LabPath (Join-Path $lab 'nope') -Requestor PO1 -Force } | Should -Throw -ErrorId 'ResyncGlb.LabNotFound,New-ResyncGlb'
    }

    It 'binds Requestor and LabPath from the pipeline by property name; each input object is one group (one run, one result)' {
        $out = @([pscustomobject]@{ Name = 'PO1'; LabPath = $lab }, [pscustomobject]@{ Requestor = @('PO2', 'PO1'); LabPath = $lab } | New-ResyncGlb -Force 4>&1)
        @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty -Because 'no -Verbose was given'
        $r = @($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        @($r).Count | Should -Be 2
        $r[0].Requestor | Should -Be @('PO1')
        $r[1].Requestor | Should -Be @('PO2', 'PO1')
        $r[0].Path | Should -Not -Be $r[1].Path
        $r[1].Group | Should -Be 2
        $r[1].GroupCount | Should -Be 2
    }

    It '-Group: each element is one group, run in turn; the restart after generation is reported' {
        $r = New-ResyncGlb -LabPath $lab -Group @('PO1', 'PO2'), 'PO2' -Force
        @($r).Count | Should -Be 2
        $r[0].Requestor | Should -Be @('PO1', 'PO2')
        $r[1].Requestor | Should -Be @('PO2')
        $r | ForEach-Object { $_.FinalRestart | Should -Be 'Restarted' }
        { New-ResyncGlb -LabPath $lab -Requestor PO1 -Group 'PO2' -Force } | Should -Throw -ErrorId 'ResyncGlb.Usage,New-ResyncGlb'
    }

    It '-SkipFinalRestart leaves the restart to the admin and says so' {
        $r = New-ResyncGlb -LabPath $lab -Requestor PO1 -SkipFinalRestart -Force -WarningVariable warned -WarningAction SilentlyContinue
        $r.FinalRestart | Should -Be 'Skipped'
        ($warned -join "`n") | Should -Match 'Q156063'
        ((Invoke-TestCli -Arguments @('lab', 'status', $lab, '--json')).Output | ConvertFrom-Json).RestartOwed | Should -BeTrue
    }

    It '-Verbose narrates each step' {
        $verbose = New-ResyncGlb -LabPath $lab -Requestor PO1 -Force -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'Wrote ResyncConnectionRDNs'
        ($verbose.Message -join "`n") | Should -Match 'Moved Resync.glb'
    }

    It 'an unrecognised requestor is ResyncGlb.RequestorNotRecognised, value removed, service running' {
        { New-ResyncGlb -LabPath $lab -Requestor 'NO SUCH PO' -RecognitionTimeoutSec 2 -Force } | Should -Throw -ErrorId 'ResyncGlb.RequestorNotRecognised,New-ResyncGlb'
        Get-TestLabValue -Path $lab | Should -BeNullOrEmpty
        ((Invoke-TestCli -Arguments @('lab', 'status', $lab, '--json')).Output | ConvertFrom-Json).Status | Should -Be 'Running'
    }

    It 'tab-completes -Requestor from the lab' {
        $line = "New-ResyncGlb -LabPath '$lab' -Requestor P"
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.ListItemText | Should -Contain 'PO1'
    }
}

Describe 'The loop closed in PowerShell: New-ResyncLab settings, New-ResyncGlb -GlobalMaxSeq, the lab import' {
    It 'a requestor ahead: without -GlobalMaxSeq the import at PO1 fails with fatal 14; with it the file imports and RESYNC.GLB is deleted' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        try {
            $lab = New-ResyncLab -Path $path -Requestor PO1, PO2 -RequestorSetting @{ PO2 = 'ahead=25' } -Recipients 50 -StartMs 150 -Confirm:$false
            ($lab.Requestors | Where-Object { $_.DisplayName -eq 'PO2' }).SrvSeq | Should -Be ((($lab.Requestors | Where-Object { $_.DisplayName -eq 'PO1' }).SrvSeq) + 25)
            $plain = New-ResyncGlb -LabPath $path -Requestor PO1 -Force -WarningAction SilentlyContinue
            $plain | Copy-ResyncToRequestor -Destination ($lab.Requestors | Where-Object { $_.DisplayName -eq 'PO1' }).GlbPath | Out-Null
            $r = Invoke-TestCli -Arguments @('lab', 'import', $path, 'PO1')
            $r.ExitCode | Should -Be 1
            $r.Output | Should -Match 'ImportFailed: IMPORT at PO1: Fatal error 14'
            $fixed = New-ResyncGlb -LabPath $path -Requestor PO1 -GlobalMaxSeq -Force -WarningAction SilentlyContinue
            $fixed.GlobalMaxSeqInResync | Should -Be 1
            $fixed | Copy-ResyncToRequestor -Destination ($lab.Requestors | Where-Object { $_.DisplayName -eq 'PO1' }).GlbPath | Out-Null
            (Invoke-TestCli -Arguments @('lab', 'import', $path, 'PO1')).ExitCode | Should -Be 0
            Test-Path -LiteralPath (Join-Path ($lab.Requestors | Where-Object { $_.DisplayName -eq 'PO1' }).GlbPath 'RESYNC.GLB') | Should -BeFalse
        }
        finally {
            Remove-TestLab -Path $path
        }
    }
}
