; Inno Setup 6 script of the station installer (Windows 10/11, 64-bit).
;
; Build first the one-folder application (README, "Paquete ejecutable (Windows)"):
;     .venv\Scripts\pyinstaller --noconfirm --clean build.spec
; then, from the repository root:
;     "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\credencializacion.iss
; Output: dist\instalador\credencializacion-<version>-instalador.exe
;
; What it does: copies dist\credencializacion\ to Program Files, adds Start-menu entries
; (the station, "Revisar instalación" = self-check in a console that stays open, and the
; device diagnostics), and offers to run the self-check at the end. Uninstalling removes
; the program only: configuration, the local store (captures not yet synced!) and the keys
; in the Windows Credential Manager stay, so nothing captured is lost (DESIGN §9).

#define AppName "Credencialización"
#define AppVersion "0.1.0"
#define AppExe "credencializacion.exe"
#define ConsoleExe "credencializacion-consola.exe"

[Setup]
AppId={{6C0F3E1B-2F4A-4C8E-9E0A-3B1C2D7A9F15}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=CONALEP Estado de México
DefaultDirName={autopf}\Credencializacion
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist\instalador
OutputBaseFilename=credencializacion-{#AppVersion}-instalador
SetupIconFile=credencializacion.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running station holds the store open: ask to close it before replacing files.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"

[Tasks]
Name: "desktopicon"; Description: "Crear un acceso directo en el escritorio"; GroupDescription: "Accesos directos:"

[Files]
; The whole PyInstaller folder: both executables and _internal\ (Python, Qt, OpenCV, data).
Source: "..\dist\credencializacion\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade must not mix old and new libraries.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Revisar instalación"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#ConsoleExe}"" --self-check"; WorkingDir: "{app}"
Name: "{group}\Diagnóstico de dispositivos"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#ConsoleExe}"" devices"; WorkingDir: "{app}"
Name: "{group}\Desinstalar {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{cmd}"; Parameters: "/k ""{app}\{#ConsoleExe}"" --self-check"; Description: "Revisar la instalación (llavero, almacén, cámaras, pads, servidor)"; Flags: postinstall skipifsilent unchecked
Filename: "{app}\{#AppExe}"; Description: "Abrir {#AppName}"; Flags: postinstall skipifsilent nowait
