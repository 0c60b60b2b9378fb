<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name></name>
    <message>
        <source>Atajo: {0}</source>
        <translation>Atajo: {0}</translation>
    </message>
    <message>
        <source>dd/mm/aaaa</source>
        <translation>dd/mm/aaaa</translation>
    </message>
    <message>
        <source>Escriba la fecha completa como dd/mm/aaaa, por ejemplo 01/08/2027.</source>
        <translation>Escriba la fecha completa como dd/mm/aaaa, por ejemplo 01/08/2027.</translation>
    </message>
    <message>
        <source>«{0}» no es una fecha que exista; escríbala como dd/mm/aaaa.</source>
        <translation>«{0}» no es una fecha que exista; escríbala como dd/mm/aaaa.</translation>
    </message>
    <message>
        <source>Matrícula:</source>
        <translation>Matrícula:</translation>
    </message>
    <message>
        <source>Buscar</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>Leer credencial</source>
        <extracomment>«Leer credencial (F3)»: the desk camera reads the temporary credential (DeskScreen connects it).</extracomment>
        <translation>Leer credencial</translation>
    </message>
    <message>
        <source>Leer con la cámara el código QR o de barras de la credencial temporal (F3).</source>
        <translation>Leer con la cámara el código QR o de barras de la credencial temporal (F3).</translation>
    </message>
    <message>
        <source>Escriba o escanee la matrícula</source>
        <translation>Escriba o escanee la matrícula</translation>
    </message>
    <message>
        <source>{0}, p. ej. {1}</source>
        <translation>{0}, p. ej. {1}</translation>
    </message>
    <message>
        <source>Sin fecha.</source>
        <extracomment>(field, label) of «Datos del alumno» (manual §8). Every field of «Consultar alumno» (manual §13), in its order.</extracomment>
        <translation>Sin fecha.</translation>
    </message>
    <message>
        <source>Sí</source>
        <translation>Sí</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>Accounts</name>
    <message>
        <source>Alumno</source>
        <translation>Alumno</translation>
    </message>
    <message>
        <source>Personal</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>Egresado</source>
        <translation>Egresado</translation>
    </message>
    <message>
        <source>Centro de trabajo</source>
        <translation>Centro de trabajo</translation>
    </message>
</context>
<context>
    <name>AccountsScreen</name>
    <message>
        <source>Cuentas institucionales</source>
        <translation>Cuentas institucionales</translation>
    </message>
    <message>
        <source>Alumnos sin correo institucional: direcciones propuestas con la regla de nombres, archivos para crear las cuentas en Microsoft 365, Entra, Google Workspace u OneRoster, e importación de las cuentas creadas.</source>
        <translation>Alumnos sin correo institucional: direcciones propuestas con la regla de nombres, archivos para crear las cuentas en Microsoft 365, Entra, Google Workspace u OneRoster, e importación de las cuentas creadas.</translation>
    </message>
    <message>
        <source>Plantel:</source>
        <translation>Plantel:</translation>
    </message>
    <message>
        <source>Vista previa</source>
        <translation>Vista previa</translation>
    </message>
    <message>
        <source>Reservar direcciones</source>
        <translation>Reservar direcciones</translation>
    </message>
    <message>
        <source>Cuentas propuestas</source>
        <translation>Cuentas propuestas</translation>
    </message>
    <message>
        <source>Tipo</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Matrícula o clave</source>
        <translation>Matrícula o clave</translation>
    </message>
    <message>
        <source>Nombre</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Correo propuesto</source>
        <translation>Correo propuesto</translation>
    </message>
    <message>
        <source>Colisión</source>
        <translation>Colisión</translation>
    </message>
    <message>
        <source>Estado</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Archivos</source>
        <translation>Archivos</translation>
    </message>
    <message>
        <source>Formato:</source>
        <translation>Formato:</translation>
    </message>
    <message>
        <source>Exportar a una carpeta…</source>
        <translation>Exportar a una carpeta…</translation>
    </message>
    <message>
        <source>Los archivos llevan las contraseñas iniciales: entréguelos solo a la consola del inquilino y bórrelos después. Nunca los envíe por correo.</source>
        <translation>Los archivos llevan las contraseñas iniciales: entréguelos solo a la consola del inquilino y bórrelos después. Nunca los envíe por correo.</translation>
    </message>
    <message>
        <source>Importar cuentas creadas…</source>
        <translation>Importar cuentas creadas…</translation>
    </message>
    <message>
        <source>Lista de personal o egresados…</source>
        <translation>Lista de personal o egresados…</translation>
    </message>
    <message>
        <source>Directorio del inquilino…</source>
        <translation>Directorio del inquilino…</translation>
    </message>
    <message>
        <source>Elija un plantel.</source>
        <extracomment>(title) → folder or &quot;&quot; ; (title, filter) → file or &quot;&quot;. Tests replace them.</extracomment>
        <translation>Elija un plantel.</translation>
    </message>
    <message>
        <source>Por crear</source>
        <translation>Por crear</translation>
    </message>
    <message>
        <source>Creada</source>
        <translation>Creada</translation>
    </message>
    <message>
        <source>Sí (se agregó un número)</source>
        <translation>Sí (se agregó un número)</translation>
    </message>
    <message>
        <source>{0}: {1} cuentas, {2} con colisión.</source>
        <translation>{0}: {1} cuentas, {2} con colisión.</translation>
    </message>
    <message>
        <source>Consultando cuentas…</source>
        <translation>Consultando cuentas…</translation>
    </message>
    <message>
        <source>Calculando direcciones…</source>
        <translation>Calculando direcciones…</translation>
    </message>
    <message>
        <source>Direcciones reservadas: {0}.</source>
        <translation>Direcciones reservadas: {0}.</translation>
    </message>
    <message>
        <source>Reservando direcciones…</source>
        <translation>Reservando direcciones…</translation>
    </message>
    <message>
        <source>Carpeta para los archivos de cuentas</source>
        <translation>Carpeta para los archivos de cuentas</translation>
    </message>
    <message>
        <source>{0} archivo(s) guardados en {1}.</source>
        <translation>{0} archivo(s) guardados en {1}.</translation>
    </message>
    <message>
        <source>Generando archivos…</source>
        <translation>Generando archivos…</translation>
    </message>
    <message>
        <source>Archivo de cuentas creadas</source>
        <translation>Archivo de cuentas creadas</translation>
    </message>
    <message>
        <source>CSV o Excel (*.csv *.xlsx)</source>
        <translation>CSV o Excel (*.csv *.xlsx)</translation>
    </message>
    <message>
        <source>Correos asignados: {0}. Ya importados: {1}.</source>
        <translation>Correos asignados: {0}. Ya importados: {1}.</translation>
    </message>
    <message>
        <source>Fila {0}: {1} — {2}</source>
        <translation>Fila {0}: {1} — {2}</translation>
    </message>
    <message>
        <source>Algunas filas no se importaron; revise la lista.</source>
        <translation>Algunas filas no se importaron; revise la lista.</translation>
    </message>
    <message>
        <source>Importando cuentas…</source>
        <translation>Importando cuentas…</translation>
    </message>
    <message>
        <source>Lista de personas</source>
        <translation>Lista de personas</translation>
    </message>
    <message>
        <source>Cuentas propuestas para la lista: {0}.</source>
        <translation>Cuentas propuestas para la lista: {0}.</translation>
    </message>
    <message>
        <source>Leyendo la lista…</source>
        <translation>Leyendo la lista…</translation>
    </message>
    <message>
        <source>Exportación del directorio</source>
        <translation>Exportación del directorio</translation>
    </message>
    <message>
        <source>Directorio cargado: {0} direcciones nuevas.</source>
        <translation>Directorio cargado: {0} direcciones nuevas.</translation>
    </message>
    <message>
        <source>Cargando el directorio…</source>
        <translation>Cargando el directorio…</translation>
    </message>
</context>
<context>
    <name>AttachmentRow</name>
    <message>
        <source>Sin archivo</source>
        <extracomment>field kind → (widget factory(field, campuses getter), value reader(widget)). The chosen file was refused on the desk (Spanish message); the row keeps its previous file.</extracomment>
        <translation>Sin archivo</translation>
    </message>
    <message>
        <source>Elegir archivo…</source>
        <translation>Elegir archivo…</translation>
    </message>
    <message>
        <source>Quitar</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Documentos ({0})</source>
        <translation>Documentos ({0})</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <source>Sin datos</source>
        <translation>Sin datos</translation>
    </message>
</context>
<context>
    <name>CameraPage</name>
    <message>
        <source>Cámara</source>
        <translation>Cámara</translation>
    </message>
    <message>
        <source>Elija la cámara web del mostrador y revise que la imagen se vea bien.</source>
        <translation>Elija la cámara web del mostrador y revise que la imagen se vea bien.</translation>
    </message>
    <message>
        <source>Buscar cámaras</source>
        <translation>Buscar cámaras</translation>
    </message>
    <message>
        <source>Guardar esta cámara aunque ahora no muestre imagen</source>
        <translation>Guardar esta cámara aunque ahora no muestre imagen</translation>
    </message>
    <message>
        <source>Cámara:</source>
        <translation>Cámara:</translation>
    </message>
    <message>
        <source>Buscando cámaras…</source>
        <translation>Buscando cámaras…</translation>
    </message>
    <message>
        <source>no disponible</source>
        <translation>no disponible</translation>
    </message>
    <message>
        <source>Foto de demostración (sin cámara)</source>
        <translation>Foto de demostración (sin cámara)</translation>
    </message>
    <message>
        <source>No se pudieron listar las cámaras: {0}</source>
        <translation>No se pudieron listar las cámaras: {0}</translation>
    </message>
    <message>
        <source>No se encontró ninguna cámara conectada. Conéctela y pulse «Buscar cámaras», o use la foto de demostración.</source>
        <translation>No se encontró ninguna cámara conectada. Conéctela y pulse «Buscar cámaras», o use la foto de demostración.</translation>
    </message>
    <message numerus="yes">
        <source>Cámaras encontradas: %n</source>
        <translation>
            <numerusform>Cámaras encontradas: %n</numerusform>
            <numerusform>Cámaras encontradas: %n</numerusform>
        </translation>
    </message>
    <message>
        <source>Abriendo «{0}»…</source>
        <translation>Abriendo «{0}»…</translation>
    </message>
    <message>
        <source>La cámara muestra imagen. Revise el enfoque y la luz.</source>
        <translation>La cámara muestra imagen. Revise el enfoque y la luz.</translation>
    </message>
</context>
<context>
    <name>CampusPage</name>
    <message>
        <source>Plantel</source>
        <translation>Plantel</translation>
    </message>
    <message>
        <source>Marque el plantel (o los planteles) que atiende esta estación.</source>
        <translation>Marque el plantel (o los planteles) que atiende esta estación.</translation>
    </message>
    <message>
        <source>El servidor no tiene planteles dados de alta; pida a la Dirección Estatal que los registre.</source>
        <translation>El servidor no tiene planteles dados de alta; pida a la Dirección Estatal que los registre.</translation>
    </message>
    <message>
        <source>Planteles elegidos: {0}</source>
        <translation>Planteles elegidos: {0}</translation>
    </message>
    <message>
        <source>Marque al menos un plantel.</source>
        <translation>Marque al menos un plantel.</translation>
    </message>
</context>
<context>
    <name>CaptureScreen</name>
    <message>
        <source>Toma de biométricos</source>
        <extracomment>One key per step, in the order of the desk&apos;s flow (shown on the buttons).</extracomment>
        <translation>Toma de biométricos</translation>
    </message>
    <message>
        <source>Tome y recorte la foto y capture la firma del alumno (estatus Enrolado, Capturado, Aplazado o Retoma).</source>
        <translation>Tome y recorte la foto y capture la firma del alumno (estatus Enrolado, Capturado, Aplazado o Retoma).</translation>
    </message>
    <message>
        <source>Datos del alumno</source>
        <translation>Datos del alumno</translation>
    </message>
    <message>
        <source>Obtener fotografía</source>
        <extracomment>The deferral / rejection comment the operator must fix (manual §10–11).</extracomment>
        <translation>Obtener fotografía</translation>
    </message>
    <message>
        <source>Obtener firma</source>
        <translation>Obtener firma</translation>
    </message>
    <message>
        <source>Busque al alumno por su matrícula para comenzar.</source>
        <translation>Busque al alumno por su matrícula para comenzar.</translation>
    </message>
    <message>
        <source>Toma de fotografía</source>
        <translation>Toma de fotografía</translation>
    </message>
    <message>
        <source>Toma de firma</source>
        <translation>Toma de firma</translation>
    </message>
    <message>
        <source>Guardar</source>
        <extracomment>The photo widget&apos;s Tomar / Volver a tomar / Capturar foto join this fixed bar (see _ensure_devices).</extracomment>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>Imprimir</source>
        <translation>Imprimir</translation>
    </message>
    <message>
        <source>Imprimir credencial temporal ({0})</source>
        <translation>Imprimir credencial temporal ({0})</translation>
    </message>
    <message>
        <source>Consentimiento de madre, padre o tutor (menor de edad)</source>
        <translation>Consentimiento de madre, padre o tutor (menor de edad)</translation>
    </message>
    <message>
        <source>Nombre completo de quien autoriza</source>
        <translation>Nombre completo de quien autoriza</translation>
    </message>
    <message>
        <source>— Parentesco —</source>
        <translation>— Parentesco —</translation>
    </message>
    <message>
        <source>Nombre:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Parentesco:</source>
        <translation>Parentesco:</translation>
    </message>
    <message>
        <source>Comentario de la validación: {0}</source>
        <translation>Comentario de la validación: {0}</translation>
    </message>
    <message>
        <source>Fotografía lista. Ahora capture la firma ({0}).</source>
        <translation>Fotografía lista. Ahora capture la firma ({0}).</translation>
    </message>
    <message>
        <source>Firma lista.</source>
        <translation>Firma lista.</translation>
    </message>
    <message>
        <source>Fotografía y firma listas: presione «Guardar» ({0}).</source>
        <translation>Fotografía y firma listas: presione «Guardar» ({0}).</translation>
    </message>
    <message>
        <source>Los biométricos de {0} se guardaron (estatus «{1}»). Imprima la credencial temporal ({2}) o escanee la siguiente matrícula.</source>
        <translation>Los biométricos de {0} se guardaron (estatus «{1}»). Imprima la credencial temporal ({2}) o escanee la siguiente matrícula.</translation>
    </message>
    <message>
        <source>Guardando biométricos…</source>
        <translation>Guardando biométricos…</translation>
    </message>
</context>
<context>
    <name>ConsultScreen</name>
    <message>
        <source>No se ha capturado evidencia de entrega al alumno.</source>
        <translation>No se ha capturado evidencia de entrega al alumno.</translation>
    </message>
    <message>
        <source>Consultar alumno</source>
        <translation>Consultar alumno</translation>
    </message>
    <message>
        <source>Permite ver la información completa de un alumno, de cualquier plantel.</source>
        <translation>Permite ver la información completa de un alumno, de cualquier plantel.</translation>
    </message>
    <message>
        <source>Datos del alumno en Base de Datos</source>
        <translation>Datos del alumno en Base de Datos</translation>
    </message>
    <message>
        <source>Biométricos</source>
        <translation>Biométricos</translation>
    </message>
    <message>
        <source>Sin fotografía</source>
        <translation>Sin fotografía</translation>
    </message>
    <message>
        <source>Sin firma</source>
        <translation>Sin firma</translation>
    </message>
    <message>
        <source>Fotografía:</source>
        <translation>Fotografía:</translation>
    </message>
    <message>
        <source>Firma:</source>
        <translation>Firma:</translation>
    </message>
    <message>
        <source>Firma de entregado al alumno:</source>
        <translation>Firma de entregado al alumno:</translation>
    </message>
    <message>
        <source>Historial en esta estación</source>
        <translation>Historial en esta estación</translation>
    </message>
    <message>
        <source>Fecha</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Acción</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Estatus</source>
        <translation>Estatus</translation>
    </message>
    <message>
        <source>Usuario</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Comentario</source>
        <translation>Comentario</translation>
    </message>
    <message>
        <source>Eliminar fotografía y firma (cancelación ARCO)</source>
        <translation>Eliminar fotografía y firma (cancelación ARCO)</translation>
    </message>
    <message>
        <source>Solo Dirección Estatal. Se eliminan del servidor y de todas las estaciones; la firma de entrega se conserva. El alumno necesitará una nueva toma de biométricos.</source>
        <translation>Solo Dirección Estatal. Se eliminan del servidor y de todas las estaciones; la firma de entrega se conserva. El alumno necesitará una nueva toma de biométricos.</translation>
    </message>
    <message>
        <source>Motivo:</source>
        <translation>Motivo:</translation>
    </message>
    <message>
        <source>Por ejemplo: solicitud de cancelación ARCO folio DE-2026-014</source>
        <translation>Por ejemplo: solicitud de cancelación ARCO folio DE-2026-014</translation>
    </message>
    <message>
        <source>Eliminar fotografía y firma…</source>
        <translation>Eliminar fotografía y firma…</translation>
    </message>
    <message>
        <source>Eliminar fotografía y firma</source>
        <translation>Eliminar fotografía y firma</translation>
    </message>
    <message>
        <source>Se eliminarán la fotografía y la firma de {0} del servidor y de todas las estaciones; no se pueden recuperar. ¿Desea continuar?</source>
        <translation>Se eliminarán la fotografía y la firma de {0} del servidor y de todas las estaciones; no se pueden recuperar. ¿Desea continuar?</translation>
    </message>
    <message>
        <source>Escriba el motivo de la eliminación (por ejemplo, el folio de la solicitud ARCO).</source>
        <translation>Escriba el motivo de la eliminación (por ejemplo, el folio de la solicitud ARCO).</translation>
    </message>
    <message>
        <source>Se eliminaron {0} archivos de fotografía y firma; las estaciones borrarán sus copias al sincronizar.</source>
        <translation>Se eliminaron {0} archivos de fotografía y firma; las estaciones borrarán sus copias al sincronizar.</translation>
    </message>
    <message>
        <source>Eliminando fotografía y firma…</source>
        <translation>Eliminando fotografía y firma…</translation>
    </message>
</context>
<context>
    <name>CredentialScanDialog</name>
    <message>
        <source>Leer credencial con la cámara</source>
        <translation>Leer credencial con la cámara</translation>
    </message>
    <message>
        <source>Acerque a la cámara el código QR o el código de barras de la credencial temporal.</source>
        <translation>Acerque a la cámara el código QR o el código de barras de la credencial temporal.</translation>
    </message>
    <message>
        <source>Cancelar</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>DeliverScreen</name>
    <message>
        <source>El alumno no devolvió la credencial temporal: la entrega debe tramitarse y pagarse como reposición.</source>
        <translation>El alumno no devolvió la credencial temporal: la entrega debe tramitarse y pagarse como reposición.</translation>
    </message>
    <message>
        <source>Entregar credencial</source>
        <translation>Entregar credencial</translation>
    </message>
    <message>
        <source>Recabe la firma de entrega del alumno. A cambio de la credencial definitiva solicite la credencial temporal.</source>
        <translation>Recabe la firma de entrega del alumno. A cambio de la credencial definitiva solicite la credencial temporal.</translation>
    </message>
    <message>
        <source>Datos del alumno</source>
        <translation>Datos del alumno</translation>
    </message>
    <message>
        <source>Firma de entrega</source>
        <translation>Firma de entrega</translation>
    </message>
    <message>
        <source>¿Devolvió la credencial temporal?</source>
        <translation>¿Devolvió la credencial temporal?</translation>
    </message>
    <message>
        <source>¿El alumno entregó su credencial temporal?</source>
        <translation>¿El alumno entregó su credencial temporal?</translation>
    </message>
    <message>
        <source>Sí</source>
        <translation>Sí</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <source>Guardar</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>Credencial entregada a {0}.</source>
        <translation>Credencial entregada a {0}.</translation>
    </message>
    <message>
        <source>Guardando entrega…</source>
        <translation>Guardando entrega…</translation>
    </message>
</context>
<context>
    <name>DeskScreen</name>
    <message>
        <source>Buscando alumno…</source>
        <translation>Buscando alumno…</translation>
    </message>
    <message>
        <source>Buscando credencial…</source>
        <translation>Buscando credencial…</translation>
    </message>
    <message>
        <source>Consultando el SAE…</source>
        <translation>Consultando el SAE…</translation>
    </message>
</context>
<context>
    <name>DocumentViewer</name>
    <message>
        <source>Este documento no se puede mostrar aquí; guarde una copia para abrirlo con Excel.</source>
        <extracomment>State code → Spanish label (the domain&apos;s). Qt translation (pyside6-lupdate extracts ``translate(&quot;Context&quot;, &quot;text&quot;)`` calls).</extracomment>
        <translation>Este documento no se puede mostrar aquí; guarde una copia para abrirlo con Excel.</translation>
    </message>
    <message>
        <source>Guardar copia…</source>
        <translation>Guardar copia…</translation>
    </message>
    <message>
        <source>Cerrar</source>
        <translation>Cerrar</translation>
    </message>
</context>
<context>
    <name>Domain</name>
    <message>
        <source>Enrolado</source>
        <extracomment>Context of every domain label in the .ts file.</extracomment>
        <translation>Enrolado</translation>
    </message>
    <message>
        <source>Capturado</source>
        <translation>Capturado</translation>
    </message>
    <message>
        <source>Validado</source>
        <translation>Validado</translation>
    </message>
    <message>
        <source>Aplazado</source>
        <translation>Aplazado</translation>
    </message>
    <message>
        <source>Solicitado</source>
        <translation>Solicitado</translation>
    </message>
    <message>
        <source>Imprimiendo</source>
        <translation>Imprimiendo</translation>
    </message>
    <message>
        <source>Recibido</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <source>Rechazado</source>
        <translation>Rechazado</translation>
    </message>
    <message>
        <source>Retoma</source>
        <translation>Retoma</translation>
    </message>
    <message>
        <source>Entregado</source>
        <translation>Entregado</translation>
    </message>
    <message>
        <source>Importar desde SAE</source>
        <translation>Importar desde SAE</translation>
    </message>
    <message>
        <source>Actualizar desde SAE</source>
        <translation>Actualizar desde SAE</translation>
    </message>
    <message>
        <source>Toma de biométricos</source>
        <translation>Toma de biométricos</translation>
    </message>
    <message>
        <source>Imprimir credencial temporal</source>
        <translation>Imprimir credencial temporal</translation>
    </message>
    <message>
        <source>Validar (Validado)</source>
        <translation>Validar (Validado)</translation>
    </message>
    <message>
        <source>Validar (Aplazado)</source>
        <translation>Validar (Aplazado)</translation>
    </message>
    <message>
        <source>Crear orden de impresión</source>
        <translation>Crear orden de impresión</translation>
    </message>
    <message>
        <source>Iniciar impresión</source>
        <translation>Iniciar impresión</translation>
    </message>
    <message>
        <source>Recibir credenciales</source>
        <translation>Recibir credenciales</translation>
    </message>
    <message>
        <source>Rechazar (reimpresión)</source>
        <translation>Rechazar (reimpresión)</translation>
    </message>
    <message>
        <source>Rechazar (requiere retoma)</source>
        <translation>Rechazar (requiere retoma)</translation>
    </message>
    <message>
        <source>Entregar credencial</source>
        <translation>Entregar credencial</translation>
    </message>
    <message>
        <source>Asignar correo institucional</source>
        <translation>Asignar correo institucional</translation>
    </message>
    <message>
        <source>Eliminar fotografía y firma</source>
        <translation>Eliminar fotografía y firma</translation>
    </message>
    <message>
        <source>Capturista</source>
        <translation>Capturista</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Dirección Estatal</source>
        <translation>Dirección Estatal</translation>
    </message>
    <message>
        <source>Administrador</source>
        <translation>Administrador</translation>
    </message>
    <message>
        <source>Centro de Cómputo</source>
        <translation>Centro de Cómputo</translation>
    </message>
    <message>
        <source>Recibida</source>
        <extracomment>Requests (issue 19): states, actions, types and their form fields and documents (station.domain.requests), plus the timeline&apos;s other entries (ui.widgets.request_detail).</extracomment>
        <translation>Recibida</translation>
    </message>
    <message>
        <source>En revisión</source>
        <translation>En revisión</translation>
    </message>
    <message>
        <source>Cancelada</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>Aprobada</source>
        <translation>Aprobada</translation>
    </message>
    <message>
        <source>En proceso</source>
        <translation>En proceso</translation>
    </message>
    <message>
        <source>Atendida</source>
        <translation>Atendida</translation>
    </message>
    <message>
        <source>Revisar</source>
        <translation>Revisar</translation>
    </message>
    <message>
        <source>Cancelar</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Aprobar</source>
        <translation>Aprobar</translation>
    </message>
    <message>
        <source>Iniciar atención</source>
        <translation>Iniciar atención</translation>
    </message>
    <message>
        <source>Marcar como atendida</source>
        <translation>Marcar como atendida</translation>
    </message>
    <message>
        <source>Cuentas para alumnos de nuevo ingreso</source>
        <translation>Cuentas para alumnos de nuevo ingreso</translation>
    </message>
    <message>
        <source>Correo para la respuesta</source>
        <translation>Correo para la respuesta</translation>
    </message>
    <message>
        <source>Plantel</source>
        <translation>Plantel</translation>
    </message>
    <message>
        <source>Grupos (vacío: se adjunta la lista)</source>
        <translation>Grupos (vacío: se adjunta la lista)</translation>
    </message>
    <message>
        <source>Observaciones</source>
        <translation>Observaciones</translation>
    </message>
    <message>
        <source>Oficio de solicitud firmado por el jefe de área</source>
        <translation>Oficio de solicitud firmado por el jefe de área</translation>
    </message>
    <message>
        <source>Archivo con los datos de las cuentas (XLSX o CSV)</source>
        <translation>Archivo con los datos de las cuentas (XLSX o CSV)</translation>
    </message>
    <message>
        <source>Cuentas para docentes o personal administrativo</source>
        <translation>Cuentas para docentes o personal administrativo</translation>
    </message>
    <message>
        <source>Número de personas</source>
        <translation>Número de personas</translation>
    </message>
    <message>
        <source>Archivo con los datos del personal (XLSX o CSV)</source>
        <translation>Archivo con los datos del personal (XLSX o CSV)</translation>
    </message>
    <message>
        <source>Cuenta para egresado en proceso de titulación</source>
        <translation>Cuenta para egresado en proceso de titulación</translation>
    </message>
    <message>
        <source>Nombre completo</source>
        <translation>Nombre completo</translation>
    </message>
    <message>
        <source>Matrícula</source>
        <translation>Matrícula</translation>
    </message>
    <message>
        <source>Correo personal</source>
        <translation>Correo personal</translation>
    </message>
    <message>
        <source>INE u otra identificación oficial con fotografía</source>
        <translation>INE u otra identificación oficial con fotografía</translation>
    </message>
    <message>
        <source>Documento de Titulación que valida el trámite</source>
        <translation>Documento de Titulación que valida el trámite</translation>
    </message>
    <message>
        <source>Reinicio de contraseña de cuenta de correo</source>
        <translation>Reinicio de contraseña de cuenta de correo</translation>
    </message>
    <message>
        <source>Cuenta de correo institucional</source>
        <translation>Cuenta de correo institucional</translation>
    </message>
    <message>
        <source>Carga académica u horario del semestre en curso</source>
        <translation>Carga académica u horario del semestre en curso</translation>
    </message>
    <message>
        <source>Bloqueo de cuenta o problema de envío/recepción de correo</source>
        <translation>Bloqueo de cuenta o problema de envío/recepción de correo</translation>
    </message>
    <message>
        <source>Descripción del problema</source>
        <translation>Descripción del problema</translation>
    </message>
    <message>
        <source>Envío de correo masivo</source>
        <translation>Envío de correo masivo</translation>
    </message>
    <message>
        <source>Remitente (dependencia que firma)</source>
        <translation>Remitente (dependencia que firma)</translation>
    </message>
    <message>
        <source>Asunto</source>
        <translation>Asunto</translation>
    </message>
    <message>
        <source>Mensaje (texto o HTML)</source>
        <translation>Mensaje (texto o HTML)</translation>
    </message>
    <message>
        <source>Plantel destinatario (vacío: todos)</source>
        <translation>Plantel destinatario (vacío: todos)</translation>
    </message>
    <message>
        <source>Grupos destinatarios (vacío: todo el plantel)</source>
        <translation>Grupos destinatarios (vacío: todo el plantel)</translation>
    </message>
    <message>
        <source>Fecha deseada de envío</source>
        <translation>Fecha deseada de envío</translation>
    </message>
    <message>
        <source>Oficio de solicitud (opcional)</source>
        <translation>Oficio de solicitud (opcional)</translation>
    </message>
    <message>
        <source>Presentada</source>
        <extracomment>Colour of each request state&apos;s tag (green family for progress, red for cancelled). The text each action needs (``reason`` / ``response``), from the domain&apos;s table. Timeline label of each bitácora action code when the server sends no ``action_label`` (the server&apos;s list: server/requests/bitacora.py ``EXTRA_ACTIONS``; others shown as sent).</extracomment>
        <translation>Presentada</translation>
    </message>
    <message>
        <source>Documento adjuntado</source>
        <translation>Documento adjuntado</translation>
    </message>
    <message>
        <source>Documento consultado</source>
        <translation>Documento consultado</translation>
    </message>
    <message>
        <source>Recordatorio por vencimiento</source>
        <translation>Recordatorio por vencimiento</translation>
    </message>
    <message>
        <source>Escalada a la jefatura</source>
        <translation>Escalada a la jefatura</translation>
    </message>
    <message>
        <source>Envío masivo iniciado</source>
        <translation>Envío masivo iniciado</translation>
    </message>
    <message>
        <source>Consulta de documento rechazada</source>
        <translation>Consulta de documento rechazada</translation>
    </message>
    <message>
        <source>Aviso por correo no enviado</source>
        <translation>Aviso por correo no enviado</translation>
    </message>
    <message>
        <source>Cuentas propuestas</source>
        <translation>Cuentas propuestas</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <source>Reporte de estatus por Plantel</source>
        <translation>Reporte de estatus por Plantel</translation>
    </message>
    <message>
        <source>Cuántos alumnos hay en cada estatus del proceso de credencialización. Haga doble clic en el nombre del plantel para descargar su lista de alumnos en Excel.</source>
        <translation>Cuántos alumnos hay en cada estatus del proceso de credencialización. Haga doble clic en el nombre del plantel para descargar su lista de alumnos en Excel.</translation>
    </message>
    <message>
        <source>Alumnos por estatus</source>
        <translation>Alumnos por estatus</translation>
    </message>
    <message>
        <source>Plantel</source>
        <translation>Plantel</translation>
    </message>
    <message>
        <source>Alumnos</source>
        <translation>Alumnos</translation>
    </message>
    <message>
        <source>Actualizar</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Lista de alumnos (Excel)</source>
        <translation>Lista de alumnos (Excel)</translation>
    </message>
    <message>
        <source>Descargar a PDF</source>
        <translation>Descargar a PDF</translation>
    </message>
    <message>
        <source>Descargar a Excel</source>
        <translation>Descargar a Excel</translation>
    </message>
    <message>
        <source>Calculando el reporte…</source>
        <extracomment>Asks where to save; tests replace it. (title, suggested name, filter) → path or &quot;&quot;.</extracomment>
        <translation>Calculando el reporte…</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Doble clic: lista de alumnos de {0} en Excel</source>
        <translation>Doble clic: lista de alumnos de {0} en Excel</translation>
    </message>
    <message>
        <source>Documento PDF (*.pdf)</source>
        <translation>Documento PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Libro de Excel (*.xlsx)</source>
        <translation>Libro de Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Guardar reporte de estatus</source>
        <translation>Guardar reporte de estatus</translation>
    </message>
    <message>
        <source>Reporte guardado en {0}.</source>
        <translation>Reporte guardado en {0}.</translation>
    </message>
    <message>
        <source>Generando el reporte…</source>
        <translation>Generando el reporte…</translation>
    </message>
    <message>
        <source>No hay planteles en el reporte.</source>
        <translation>No hay planteles en el reporte.</translation>
    </message>
    <message>
        <source>Guardar lista de alumnos</source>
        <translation>Guardar lista de alumnos</translation>
    </message>
    <message>
        <source>Lista de alumnos guardada en {0}.</source>
        <translation>Lista de alumnos guardada en {0}.</translation>
    </message>
    <message>
        <source>Generando la lista de alumnos…</source>
        <translation>Generando la lista de alumnos…</translation>
    </message>
</context>
<context>
    <name>LoginWindow</name>
    <message>
        <source>Credencialización — Iniciar sesión</source>
        <translation>Credencialización — Iniciar sesión</translation>
    </message>
    <message>
        <source>Credencialización</source>
        <translation>Credencialización</translation>
    </message>
    <message>
        <source>Estación de credencialización de alumnos</source>
        <translation>Estación de credencialización de alumnos</translation>
    </message>
    <message>
        <source>Iniciar sesión</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>&amp;Usuario</source>
        <translation>&amp;Usuario</translation>
    </message>
    <message>
        <source>Usuario o correo electrónico</source>
        <translation>Usuario o correo electrónico</translation>
    </message>
    <message>
        <source>&amp;Contraseña</source>
        <translation>&amp;Contraseña</translation>
    </message>
    <message>
        <source>Contraseña</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>Aviso de privacidad (imprimir)</source>
        <extracomment>Aviso de privacidad simplificado (LGPDPPSO art. 28), always visible at sign-in.</extracomment>
        <translation>Aviso de privacidad (imprimir)</translation>
    </message>
    <message>
        <source>Preparando la estación…</source>
        <translation>Preparando la estación…</translation>
    </message>
    <message>
        <source>Servidor central: {0}</source>
        <translation>Servidor central: {0}</translation>
    </message>
    <message>
        <source>Sin servidor central configurado.</source>
        <translation>Sin servidor central configurado.</translation>
    </message>
    <message>
        <source>Escriba su usuario.</source>
        <translation>Escriba su usuario.</translation>
    </message>
    <message>
        <source>Escriba su contraseña.</source>
        <translation>Escriba su contraseña.</translation>
    </message>
    <message>
        <source>Iniciando sesión…</source>
        <translation>Iniciando sesión…</translation>
    </message>
</context>
<context>
    <name>MailScreen</name>
    <message>
        <source>Avisos por correo</source>
        <translation>Avisos por correo</translation>
    </message>
    <message>
        <source>Avise a los alumnos por correo (por ejemplo, «tu credencial está lista»). Revise la vista previa antes de enviar; los rebotes y el resultado llegan solos.</source>
        <translation>Avise a los alumnos por correo (por ejemplo, «tu credencial está lista»). Revise la vista previa antes de enviar; los rebotes y el resultado llegan solos.</translation>
    </message>
    <message>
        <source>Nuevo aviso</source>
        <translation>Nuevo aviso</translation>
    </message>
    <message>
        <source>Tu credencial está lista</source>
        <translation>Tu credencial está lista</translation>
    </message>
    <message>
        <source>Claves de plantel separadas por coma</source>
        <translation>Claves de plantel separadas por coma</translation>
    </message>
    <message>
        <source>Todos los grupos</source>
        <translation>Todos los grupos</translation>
    </message>
    <message>
        <source>Todos los estatus</source>
        <translation>Todos los estatus</translation>
    </message>
    <message>
        <source>{{ first_names }}, tu credencial está lista</source>
        <translation>{{ first_names }}, tu credencial está lista</translation>
    </message>
    <message>
        <source>Correo de quien recibe el resultado</source>
        <translation>Correo de quien recibe el resultado</translation>
    </message>
    <message>
        <source>1 hora</source>
        <translation>1 hora</translation>
    </message>
    <message>
        <source>1 día</source>
        <translation>1 día</translation>
    </message>
    <message>
        <source>No esperar</source>
        <translation>No esperar</translation>
    </message>
    <message>
        <source>Cuánto esperar rebotes tardíos antes de dar el aviso por terminado y mandar el resultado.</source>
        <translation>Cuánto esperar rebotes tardíos antes de dar el aviso por terminado y mandar el resultado.</translation>
    </message>
    <message>
        <source>Sin plantillas guardadas</source>
        <translation>Sin plantillas guardadas</translation>
    </message>
    <message>
        <source>Usar</source>
        <translation>Usar</translation>
    </message>
    <message>
        <source>Guardar plantilla</source>
        <translation>Guardar plantilla</translation>
    </message>
    <message>
        <source>Eliminar</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>Plantilla</source>
        <translation>Plantilla</translation>
    </message>
    <message>
        <source>Nombre del aviso</source>
        <translation>Nombre del aviso</translation>
    </message>
    <message>
        <source>Remitente</source>
        <translation>Remitente</translation>
    </message>
    <message>
        <source>Planteles</source>
        <translation>Planteles</translation>
    </message>
    <message>
        <source>Grupo</source>
        <translation>Grupo</translation>
    </message>
    <message>
        <source>Estatus</source>
        <translation>Estatus</translation>
    </message>
    <message>
        <source>Asunto</source>
        <translation>Asunto</translation>
    </message>
    <message>
        <source>Texto</source>
        <translation>Texto</translation>
    </message>
    <message>
        <source>Resultado a</source>
        <translation>Resultado a</translation>
    </message>
    <message>
        <source>Esperar rebotes</source>
        <translation>Esperar rebotes</translation>
    </message>
    <message>
        <source>Aquí aparece la vista previa.</source>
        <translation>Aquí aparece la vista previa.</translation>
    </message>
    <message>
        <source>Avisos enviados</source>
        <translation>Avisos enviados</translation>
    </message>
    <message>
        <source>Matrícula</source>
        <translation>Matrícula</translation>
    </message>
    <message>
        <source>Correo</source>
        <translation>Correo</translation>
    </message>
    <message>
        <source>Tipo</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Motivo</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Actualizar</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Ver rebotes</source>
        <translation>Ver rebotes</translation>
    </message>
    <message>
        <source>Descargar resultado (Excel)</source>
        <translation>Descargar resultado (Excel)</translation>
    </message>
    <message>
        <source>Correo recibido por el servidor de demostración</source>
        <translation>Correo recibido por el servidor de demostración</translation>
    </message>
    <message>
        <source>Hora</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Para</source>
        <translation>Para</translation>
    </message>
    <message>
        <source>Seleccione un mensaje para leerlo como lo recibió el alumno. En la demostración ningún correo sale del equipo.</source>
        <translation>Seleccione un mensaje para leerlo como lo recibió el alumno. En la demostración ningún correo sale del equipo.</translation>
    </message>
    <message>
        <source>Vista previa</source>
        <extracomment>Asks before deleting a template; tests replace it. (name) → bool.</extracomment>
        <translation>Vista previa</translation>
    </message>
    <message>
        <source>Enviar aviso</source>
        <translation>Enviar aviso</translation>
    </message>
    <message>
        <source>Los avisos por correo necesitan conexión con el servidor central.</source>
        <extracomment>Asks where to save; tests replace it. (suggested name) → path or &quot;&quot;.</extracomment>
        <translation>Los avisos por correo necesitan conexión con el servidor central.</translation>
    </message>
    <message>
        <source>Cargando remitentes…</source>
        <translation>Cargando remitentes…</translation>
    </message>
    <message>
        <source>{0} &lt;{1}&gt; ({2}/min, {3}/día)</source>
        <translation>{0} &lt;{1}&gt; ({2}/min, {3}/día)</translation>
    </message>
    <message>
        <source>No hay cuentas remitentes configuradas en el servidor; pida a Sistemas que registre una.</source>
        <translation>No hay cuentas remitentes configuradas en el servidor; pida a Sistemas que registre una.</translation>
    </message>
    <message>
        <source>{0} destinatarios; {1} con dirección inválida; {2} suprimidos.</source>
        <translation>{0} destinatarios; {1} con dirección inválida; {2} suprimidos.</translation>
    </message>
    <message>
        <source>Dominio remitente {0}:</source>
        <translation>Dominio remitente {0}:</translation>
    </message>
    <message>
        <source>Para: {0}</source>
        <translation>Para: {0}</translation>
    </message>
    <message>
        <source>Asunto: {0}</source>
        <translation>Asunto: {0}</translation>
    </message>
    <message>
        <source>Vista previa lista: revise y pulse «Enviar aviso».</source>
        <translation>Vista previa lista: revise y pulse «Enviar aviso».</translation>
    </message>
    <message>
        <source>Preparando vista previa…</source>
        <translation>Preparando vista previa…</translation>
    </message>
    <message>
        <source>Aviso en cola: {0} destinatarios. Tiempo estimado: {1}.</source>
        <translation>Aviso en cola: {0} destinatarios. Tiempo estimado: {1}.</translation>
    </message>
    <message>
        <source>Poniendo el aviso en cola…</source>
        <translation>Poniendo el aviso en cola…</translation>
    </message>
    <message>
        <source>Actualizando avisos…</source>
        <translation>Actualizando avisos…</translation>
    </message>
    <message>
        <source>De: {0}</source>
        <translation>De: {0}</translation>
    </message>
    <message>
        <source>Cargando plantillas…</source>
        <translation>Cargando plantillas…</translation>
    </message>
    <message>
        <source>todos los planteles</source>
        <translation>todos los planteles</translation>
    </message>
    <message>
        <source>plantel {0}</source>
        <translation>plantel {0}</translation>
    </message>
    <message>
        <source>Elija una plantilla guardada.</source>
        <translation>Elija una plantilla guardada.</translation>
    </message>
    <message>
        <source>Plantilla «{0}» cargada; revise la vista previa antes de enviar.</source>
        <translation>Plantilla «{0}» cargada; revise la vista previa antes de enviar.</translation>
    </message>
    <message>
        <source>Escriba el nombre del aviso: la plantilla se guarda con ese nombre.</source>
        <translation>Escriba el nombre del aviso: la plantilla se guarda con ese nombre.</translation>
    </message>
    <message>
        <source>Plantilla «{0}» guardada.</source>
        <translation>Plantilla «{0}» guardada.</translation>
    </message>
    <message>
        <source>Plantilla «{0}» actualizada.</source>
        <translation>Plantilla «{0}» actualizada.</translation>
    </message>
    <message>
        <source>Guardando plantilla…</source>
        <translation>Guardando plantilla…</translation>
    </message>
    <message>
        <source>Eliminar plantilla</source>
        <translation>Eliminar plantilla</translation>
    </message>
    <message>
        <source>¿Eliminar la plantilla «{0}»? Los avisos ya enviados no cambian.</source>
        <translation>¿Eliminar la plantilla «{0}»? Los avisos ya enviados no cambian.</translation>
    </message>
    <message>
        <source>Plantilla «{0}» eliminada.</source>
        <translation>Plantilla «{0}» eliminada.</translation>
    </message>
    <message>
        <source>Eliminando plantilla…</source>
        <translation>Eliminando plantilla…</translation>
    </message>
    <message>
        <source>Seleccione un aviso de la tabla.</source>
        <translation>Seleccione un aviso de la tabla.</translation>
    </message>
    <message>
        <source>Permanente</source>
        <translation>Permanente</translation>
    </message>
    <message>
        <source>Temporal</source>
        <translation>Temporal</translation>
    </message>
    <message>
        <source>Queja</source>
        <translation>Queja</translation>
    </message>
    <message>
        <source>Ese aviso no tiene rebotes ni fallas.</source>
        <translation>Ese aviso no tiene rebotes ni fallas.</translation>
    </message>
    <message>
        <source>Cargando rebotes…</source>
        <translation>Cargando rebotes…</translation>
    </message>
    <message>
        <source>Guardar resultado</source>
        <translation>Guardar resultado</translation>
    </message>
    <message>
        <source>Libro de Excel (*.xlsx)</source>
        <translation>Libro de Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Resultado guardado en {0}.</source>
        <translation>Resultado guardado en {0}.</translation>
    </message>
    <message>
        <source>Descargando resultado…</source>
        <translation>Descargando resultado…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Credencialización</source>
        <extracomment>Smallest window: fits 1366×768 at 150 % scaling (910×512 logical) minus a taskbar.</extracomment>
        <translation>Credencialización</translation>
    </message>
    <message>
        <source>Cerrar sesión</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <source>{0} (Ctrl+{1})</source>
        <translation>{0} (Ctrl+{1})</translation>
    </message>
    <message>
        <source>Usuario: {0} ({1})</source>
        <translation>Usuario: {0} ({1})</translation>
    </message>
    <message>
        <source>Plantel: {0}</source>
        <translation>Plantel: {0}</translation>
    </message>
    <message>
        <source>● En línea</source>
        <translation>● En línea</translation>
    </message>
    <message>
        <source>● Sin conexión</source>
        <translation>● Sin conexión</translation>
    </message>
    <message>
        <source>Pendientes de enviar: {0}</source>
        <translation>Pendientes de enviar: {0}</translation>
    </message>
</context>
<context>
    <name>PadPage</name>
    <message>
        <source>Pad de firma</source>
        <extracomment>Pad kinds offered, in order (names of :data:`drivers.signature.PAD_KINDS`).</extracomment>
        <translation>Pad de firma</translation>
    </message>
    <message>
        <source>Elija el pad de firma, firme en él y pulse «Capturar firma» para probarlo.</source>
        <translation>Elija el pad de firma, firme en él y pulse «Capturar firma» para probarlo.</translation>
    </message>
    <message>
        <source>Pad Topaz USB (directo)</source>
        <translation>Pad Topaz USB (directo)</translation>
    </message>
    <message>
        <source>Pad Topaz vía SigWeb</source>
        <translation>Pad Topaz vía SigWeb</translation>
    </message>
    <message>
        <source>Pad en pantalla (mouse, táctil o lápiz)</source>
        <translation>Pad en pantalla (mouse, táctil o lápiz)</translation>
    </message>
    <message>
        <source>Pad virtual (demostración)</source>
        <translation>Pad virtual (demostración)</translation>
    </message>
    <message>
        <source>Guardar este pad sin firma de prueba (el pad no está conectado ahora)</source>
        <translation>Guardar este pad sin firma de prueba (el pad no está conectado ahora)</translation>
    </message>
    <message>
        <source>Pad:</source>
        <translation>Pad:</translation>
    </message>
    <message>
        <source>Conectando con el pad…</source>
        <translation>Conectando con el pad…</translation>
    </message>
    <message>
        <source>No se pudo abrir el pad: {0}</source>
        <translation>No se pudo abrir el pad: {0}</translation>
    </message>
    <message>
        <source>Firme en el pad y pulse «Capturar firma».</source>
        <translation>Firme en el pad y pulse «Capturar firma».</translation>
    </message>
    <message>
        <source>Conecte el pad (se detecta solo) y firme, elija otro pad, o marque la casilla para guardarlo sin probar.</source>
        <translation>Conecte el pad (se detecta solo) y firme, elija otro pad, o marque la casilla para guardarlo sin probar.</translation>
    </message>
    <message>
        <source>Firma de prueba capturada ({0} trazos). El pad funciona.</source>
        <translation>Firma de prueba capturada ({0} trazos). El pad funciona.</translation>
    </message>
</context>
<context>
    <name>PhotoCaptureWidget</name>
    <message>
        <source>Tomar foto</source>
        <translation>Tomar foto</translation>
    </message>
    <message>
        <source>Volver a tomar</source>
        <translation>Volver a tomar</translation>
    </message>
    <message>
        <source>Capturar foto</source>
        <translation>Capturar foto</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Acerque o aleje el recorte; arrastre la foto para moverla.</source>
        <translation>Acerque o aleje el recorte; arrastre la foto para moverla.</translation>
    </message>
    <message>
        <source>La foto no pasó todas las revisiones. Motivo para aceptarla:</source>
        <translation>La foto no pasó todas las revisiones. Motivo para aceptarla:</translation>
    </message>
    <message numerus="yes">
        <source>Escriba el motivo (mínimo %n caracteres); quedará en la bitácora.</source>
        <translation>
            <numerusform>Escriba el motivo (mínimo %n caracteres); quedará en la bitácora.</numerusform>
            <numerusform>Escriba el motivo (mínimo %n caracteres); quedará en la bitácora.</numerusform>
        </translation>
    </message>
    <message>
        <source>Revisión de la foto</source>
        <translation>Revisión de la foto</translation>
    </message>
    <message>
        <source>Revisando la foto…</source>
        <translation>Revisando la foto…</translation>
    </message>
    <message>
        <source>Foto guardada.</source>
        <translation>Foto guardada.</translation>
    </message>
</context>
<context>
    <name>PreviewView</name>
    <message>
        <source>Sin imagen de la cámara</source>
        <translation>Sin imagen de la cámara</translation>
    </message>
</context>
<context>
    <name>PrintTemporaryScreen</name>
    <message>
        <source>Imprimir credencial temporal</source>
        <translation>Imprimir credencial temporal</translation>
    </message>
    <message>
        <source>Revise los datos y biométricos del alumno e imprima su credencial temporal.</source>
        <translation>Revise los datos y biométricos del alumno e imprima su credencial temporal.</translation>
    </message>
    <message>
        <source>Revisión de captura de biométricos</source>
        <translation>Revisión de captura de biométricos</translation>
    </message>
    <message>
        <source>Regresar a toma de biométricos</source>
        <translation>Regresar a toma de biométricos</translation>
    </message>
    <message>
        <source>El alumno no tiene fotografía y firma capturadas; primero realice la toma de biométricos.</source>
        <translation>El alumno no tiene fotografía y firma capturadas; primero realice la toma de biométricos.</translation>
    </message>
</context>
<context>
    <name>RegisterPage</name>
    <message>
        <source>Registro de la estación</source>
        <translation>Registro de la estación</translation>
    </message>
    <message>
        <source>Un administrador registra esta estación en el servidor. Se crea la llave de firma de la estación y se guarda en el llavero del sistema; la contraseña no se guarda.</source>
        <translation>Un administrador registra esta estación en el servidor. Se crea la llave de firma de la estación y se guarda en el llavero del sistema; la contraseña no se guarda.</translation>
    </message>
    <message>
        <source>Registrar estación</source>
        <translation>Registrar estación</translation>
    </message>
    <message>
        <source>Conservar el registro actual de la estación «{0}»</source>
        <translation>Conservar el registro actual de la estación «{0}»</translation>
    </message>
    <message>
        <source>Clave de la estación:</source>
        <translation>Clave de la estación:</translation>
    </message>
    <message>
        <source>Usuario administrador:</source>
        <translation>Usuario administrador:</translation>
    </message>
    <message>
        <source>Contraseña:</source>
        <translation>Contraseña:</translation>
    </message>
    <message>
        <source>Se conserva el registro; para cambiar de plantel regístrela de nuevo.</source>
        <translation>Se conserva el registro; para cambiar de plantel regístrela de nuevo.</translation>
    </message>
    <message>
        <source>Clave de la estación: use de 1 a 64 letras sin acentos, números, punto, guion o guion bajo (por ejemplo EST-001-01).</source>
        <translation>Clave de la estación: use de 1 a 64 letras sin acentos, números, punto, guion o guion bajo (por ejemplo EST-001-01).</translation>
    </message>
    <message>
        <source>Escriba el usuario y la contraseña de un administrador.</source>
        <translation>Escriba el usuario y la contraseña de un administrador.</translation>
    </message>
    <message>
        <source>Registrando la estación {0}…</source>
        <translation>Registrando la estación {0}…</translation>
    </message>
    <message>
        <source>No se registró la estación: {0}</source>
        <translation>No se registró la estación: {0}</translation>
    </message>
    <message>
        <source>Estación {0} registrada por {1}. Llave pública: {2}…</source>
        <translation>Estación {0} registrada por {1}. Llave pública: {2}…</translation>
    </message>
</context>
<context>
    <name>RejectScreen</name>
    <message>
        <source>Control de rechazo de impresión</source>
        <translation>Control de rechazo de impresión</translation>
    </message>
    <message>
        <source>Identifique las credenciales rechazadas o no entregadas de una orden ya recibida por el plantel y documente la razón.</source>
        <translation>Identifique las credenciales rechazadas o no entregadas de una orden ya recibida por el plantel y documente la razón.</translation>
    </message>
    <message>
        <source>Consulta de credencial</source>
        <translation>Consulta de credencial</translation>
    </message>
    <message>
        <source>Proceder a documentar y registrar estatus</source>
        <translation>Proceder a documentar y registrar estatus</translation>
    </message>
    <message>
        <source>Comentario:</source>
        <translation>Comentario:</translation>
    </message>
    <message>
        <source>Por ejemplo: Deficiencia en color y laminado</source>
        <translation>Por ejemplo: Deficiencia en color y laminado</translation>
    </message>
    <message>
        <source>Requiere retoma (la fotografía impresa es deficiente: se retoman los biométricos antes de reimprimir)</source>
        <translation>Requiere retoma (la fotografía impresa es deficiente: se retoman los biométricos antes de reimprimir)</translation>
    </message>
    <message>
        <source>Rechazar</source>
        <translation>Rechazar</translation>
    </message>
    <message>
        <source>Cancelar</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Ir a toma de biométricos</source>
        <translation>Ir a toma de biométricos</translation>
    </message>
    <message>
        <source>El alumno ya no tiene fotografía ni firma: solo puede rechazarse con «Requiere retoma» (nueva toma de biométricos).</source>
        <translation>El alumno ya no tiene fotografía ni firma: solo puede rechazarse con «Requiere retoma» (nueva toma de biométricos).</translation>
    </message>
    <message>
        <source>La credencial quedó en «Retoma»: realice la toma de biométricos de nuevo; la reimpresión se solicitará al guardarla.</source>
        <translation>La credencial quedó en «Retoma»: realice la toma de biométricos de nuevo; la reimpresión se solicitará al guardarla.</translation>
    </message>
    <message>
        <source>La credencial quedó «Rechazada»: se solicitará su reimpresión.</source>
        <translation>La credencial quedó «Rechazada»: se solicitará su reimpresión.</translation>
    </message>
    <message>
        <source>Guardando rechazo…</source>
        <translation>Guardando rechazo…</translation>
    </message>
</context>
<context>
    <name>RequestBrowser</name>
    <message>
        <source>Abiertas</source>
        <translation>Abiertas</translation>
    </message>
    <message>
        <source>Todos los estados</source>
        <translation>Todos los estados</translation>
    </message>
    <message>
        <source>Todos los tipos</source>
        <translation>Todos los tipos</translation>
    </message>
    <message>
        <source>Actualizar</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Atajo: F5</source>
        <translation>Atajo: F5</translation>
    </message>
    <message>
        <source>Estado:</source>
        <translation>Estado:</translation>
    </message>
    <message>
        <source>Tipo:</source>
        <translation>Tipo:</translation>
    </message>
    <message>
        <source>Ver detalle</source>
        <extracomment>The row ending with «Actualizar» (the screen may add buttons to it).</extracomment>
        <translation>Ver detalle</translation>
    </message>
    <message>
        <source>Consultando solicitudes…</source>
        <extracomment>The last document or letter shown (tests look at it). (suggested file name) → chosen path or &quot;&quot;. Tests replace it. (title, filter) → chosen path or &quot;&quot;. Tests replace it.</extracomment>
        <translation>Consultando solicitudes…</translation>
    </message>
    <message>
        <source>Buscar por folio (SOL-…)</source>
        <translation>Buscar por folio (SOL-…)</translation>
    </message>
    <message>
        <source>{0} · vencida</source>
        <translation>{0} · vencida</translation>
    </message>
    <message>
        <source>Vencida: pasó el tiempo de atención.</source>
        <translation>Vencida: pasó el tiempo de atención.</translation>
    </message>
    <message>
        <source>Solicitudes: {0}</source>
        <translation>Solicitudes: {0}</translation>
    </message>
    <message>
        <source>; vencidas: {0}</source>
        <translation>; vencidas: {0}</translation>
    </message>
    <message>
        <source>Abriendo la solicitud…</source>
        <translation>Abriendo la solicitud…</translation>
    </message>
    <message>
        <source>Solicitud {0}: {1}.</source>
        <translation>Solicitud {0}: {1}.</translation>
    </message>
    <message>
        <source>Actualizando la solicitud…</source>
        <translation>Actualizando la solicitud…</translation>
    </message>
    <message>
        <source>Aplicando la acción…</source>
        <translation>Aplicando la acción…</translation>
    </message>
    <message>
        <source>Copia guardada en {0}.</source>
        <translation>Copia guardada en {0}.</translation>
    </message>
    <message>
        <source>Guardando…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Descargando el documento…</source>
        <translation>Descargando el documento…</translation>
    </message>
    <message>
        <source>Documento para adjuntar</source>
        <translation>Documento para adjuntar</translation>
    </message>
    <message>
        <source>Documentos (*.pdf *.jpg *.jpeg *.png *.xlsx *.csv)</source>
        <translation>Documentos (*.pdf *.jpg *.jpeg *.png *.xlsx *.csv)</translation>
    </message>
    <message>
        <source>Documento adjuntado a {0}.</source>
        <translation>Documento adjuntado a {0}.</translation>
    </message>
    <message>
        <source>Adjuntando…</source>
        <translation>Adjuntando…</translation>
    </message>
    <message>
        <source>{0} cuentas propuestas para {1}; créelas desde «Cuentas institucionales» y después marque la solicitud como atendida.</source>
        <translation>{0} cuentas propuestas para {1}; créelas desde «Cuentas institucionales» y después marque la solicitud como atendida.</translation>
    </message>
    <message>
        <source>Proponiendo cuentas…</source>
        <translation>Proponiendo cuentas…</translation>
    </message>
    <message>
        <source>Carta de respuesta {0}</source>
        <translation>Carta de respuesta {0}</translation>
    </message>
    <message>
        <source>Descargando la carta…</source>
        <translation>Descargando la carta…</translation>
    </message>
    <message>
        <source>Carta guardada en {0}.</source>
        <translation>Carta guardada en {0}.</translation>
    </message>
</context>
<context>
    <name>RequestDetail</name>
    <message>
        <source>Guardar copia</source>
        <translation>Guardar copia</translation>
    </message>
</context>
<context>
    <name>RequestDetailView</name>
    <message>
        <source>← Volver a la lista</source>
        <translation>← Volver a la lista</translation>
    </message>
    <message>
        <source>Ver carta de respuesta (PDF)</source>
        <translation>Ver carta de respuesta (PDF)</translation>
    </message>
    <message>
        <source>Guardar carta…</source>
        <translation>Guardar carta…</translation>
    </message>
    <message>
        <source>Acciones</source>
        <translation>Acciones</translation>
    </message>
    <message>
        <source>Motivo de la cancelación o respuesta al marcar como atendida (obligatorios).</source>
        <translation>Motivo de la cancelación o respuesta al marcar como atendida (obligatorios).</translation>
    </message>
    <message>
        <source>Proponer las cuentas de la solicitud</source>
        <translation>Proponer las cuentas de la solicitud</translation>
    </message>
    <message>
        <source>Reserva las direcciones de los alumnos o del personal de la solicitud; se crean desde «Cuentas institucionales».</source>
        <translation>Reserva las direcciones de los alumnos o del personal de la solicitud; se crean desde «Cuentas institucionales».</translation>
    </message>
    <message>
        <source>No hay acciones disponibles para usted en esta solicitud.</source>
        <translation>No hay acciones disponibles para usted en esta solicitud.</translation>
    </message>
    <message>
        <source>Documentos</source>
        <translation>Documentos</translation>
    </message>
    <message>
        <source>Documento</source>
        <translation>Documento</translation>
    </message>
    <message>
        <source>Archivo</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>Tamaño</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Subido</source>
        <translation>Subido</translation>
    </message>
    <message>
        <source>Ver documento</source>
        <translation>Ver documento</translation>
    </message>
    <message>
        <source>Guardar copia…</source>
        <translation>Guardar copia…</translation>
    </message>
    <message>
        <source>Adjuntar documento…</source>
        <translation>Adjuntar documento…</translation>
    </message>
    <message>
        <source>Datos de la solicitud</source>
        <translation>Datos de la solicitud</translation>
    </message>
    <message>
        <source>Historial</source>
        <translation>Historial</translation>
    </message>
    <message>
        <source>Fecha</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Quién</source>
        <translation>Quién</translation>
    </message>
    <message>
        <source>Acción</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Cambio</source>
        <translation>Cambio</translation>
    </message>
    <message>
        <source>Nota</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>{0} — vencida</source>
        <translation>{0} — vencida</translation>
    </message>
    <message>
        <source>Solicitante</source>
        <translation>Solicitante</translation>
    </message>
    <message>
        <source>Plantel</source>
        <translation>Plantel</translation>
    </message>
    <message>
        <source>Presentada</source>
        <translation>Presentada</translation>
    </message>
    <message>
        <source>Vence</source>
        <translation>Vence</translation>
    </message>
    <message>
        <source>Última actualización</source>
        <translation>Última actualización</translation>
    </message>
    <message>
        <source>Motivo de la cancelación: {0}</source>
        <translation>Motivo de la cancelación: {0}</translation>
    </message>
    <message>
        <source>Respuesta: {0}</source>
        <translation>Respuesta: {0}</translation>
    </message>
</context>
<context>
    <name>RequestForm</name>
    <message>
        <source>Texto del mensaje; puede usar HTML.</source>
        <extracomment>Qt translation (pyside6-lupdate extracts ``translate(&quot;Context&quot;, &quot;text&quot;)`` calls).</extracomment>
        <translation>Texto del mensaje; puede usar HTML.</translation>
    </message>
    <message>
        <source>nombre@dominio.edu.mx</source>
        <translation>nombre@dominio.edu.mx</translation>
    </message>
    <message>
        <source>Claves separadas por coma, p. ej. 101, 102</source>
        <translation>Claves separadas por coma, p. ej. 101, 102</translation>
    </message>
    <message>
        <source>(ninguno)</source>
        <translation>(ninguno)</translation>
    </message>
    <message>
        <source>Tipo de solicitud:</source>
        <translation>Tipo de solicitud:</translation>
    </message>
    <message>
        <source>Tiempo de atención: {0} horas a partir de que se presenta.</source>
        <extracomment>(title, filter) → chosen path or &quot;&quot;. Tests replace it.</extracomment>
        <translation>Tiempo de atención: {0} horas a partir de que se presenta.</translation>
    </message>
</context>
<context>
    <name>RequestQueueScreen</name>
    <message>
        <source>Atender solicitudes</source>
        <translation>Atender solicitudes</translation>
    </message>
    <message>
        <source>Solicitudes abiertas de sus planteles, la que vence primero arriba; las vencidas en rojo. Abra una para revisarla, aprobarla, cancelarla con motivo, atenderla y responder.</source>
        <translation>Solicitudes abiertas de sus planteles, la que vence primero arriba; las vencidas en rojo. Abra una para revisarla, aprobarla, cancelarla con motivo, atenderla y responder.</translation>
    </message>
</context>
<context>
    <name>Requests</name>
    <message>
        <source>Escriba el motivo de la cancelación en el cuadro de texto.</source>
        <extracomment>Qt translation (pyside6-lupdate extracts ``translate(&quot;Context&quot;, &quot;text&quot;)`` calls).</extracomment>
        <translation>Escriba el motivo de la cancelación en el cuadro de texto.</translation>
    </message>
    <message>
        <source>Escriba la respuesta (qué se hizo) en el cuadro de texto.</source>
        <translation>Escriba la respuesta (qué se hizo) en el cuadro de texto.</translation>
    </message>
    <message>
        <source>Folio</source>
        <extracomment>(header, value of a RequestSummary) of the table; the requester column only in the queue (one&apos;s own list is all one&apos;s own), the filing date only in one&apos;s own list.</extracomment>
        <translation>Folio</translation>
    </message>
    <message>
        <source>Tipo</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Estado</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Solicitante</source>
        <translation>Solicitante</translation>
    </message>
    <message>
        <source>Presentada</source>
        <translation>Presentada</translation>
    </message>
    <message>
        <source>Vence</source>
        <translation>Vence</translation>
    </message>
    <message>
        <source>Sin conexión con el servidor central: las solicitudes se presentan y consultan en línea. Revise la red del plantel e intente de nuevo.</source>
        <translation>Sin conexión con el servidor central: las solicitudes se presentan y consultan en línea. Revise la red del plantel e intente de nuevo.</translation>
    </message>
    <message>
        <source>Cargando tipos de solicitud…</source>
        <translation>Cargando tipos de solicitud…</translation>
    </message>
</context>
<context>
    <name>RequestsScreen</name>
    <message>
        <source>Solicitudes</source>
        <translation>Solicitudes</translation>
    </message>
    <message>
        <source>Pida al Centro de Cómputo cuentas de correo, reinicios de contraseña, ayuda con el correo o un envío masivo, con sus documentos, y siga cada solicitud hasta su respuesta.</source>
        <translation>Pida al Centro de Cómputo cuentas de correo, reinicios de contraseña, ayuda con el correo o un envío masivo, con sus documentos, y siga cada solicitud hasta su respuesta.</translation>
    </message>
    <message>
        <source>Nueva solicitud</source>
        <translation>Nueva solicitud</translation>
    </message>
    <message>
        <source>Atajo: Ctrl+N</source>
        <translation>Atajo: Ctrl+N</translation>
    </message>
    <message>
        <source>Mis solicitudes</source>
        <translation>Mis solicitudes</translation>
    </message>
    <message>
        <source>Limpiar</source>
        <translation>Limpiar</translation>
    </message>
    <message>
        <source>Presentar solicitud</source>
        <translation>Presentar solicitud</translation>
    </message>
    <message>
        <source>Elija el tipo de solicitud.</source>
        <translation>Elija el tipo de solicitud.</translation>
    </message>
    <message>
        <source>Solicitud {0} presentada. Recibirá los avisos de cada paso por correo.</source>
        <translation>Solicitud {0} presentada. Recibirá los avisos de cada paso por correo.</translation>
    </message>
    <message>
        <source>Presentando la solicitud…</source>
        <translation>Presentando la solicitud…</translation>
    </message>
</context>
<context>
    <name>SaeImportScreen</name>
    <message>
        <source>Importar desde SAE</source>
        <translation>Importar desde SAE</translation>
    </message>
    <message>
        <source>Importe o actualice la información de un alumno desde el SAE (necesita conexión con el servidor central). Solo alumnos inscritos en su plantel y en los semestres permitidos.</source>
        <translation>Importe o actualice la información de un alumno desde el SAE (necesita conexión con el servidor central). Solo alumnos inscritos en su plantel y en los semestres permitidos.</translation>
    </message>
    <message>
        <source>Datos del alumno en SAE</source>
        <translation>Datos del alumno en SAE</translation>
    </message>
    <message>
        <source>Regresar</source>
        <translation>Regresar</translation>
    </message>
    <message>
        <source>Importar</source>
        <translation>Importar</translation>
    </message>
    <message>
        <source>Actualizar</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Ir a toma de biométricos</source>
        <translation>Ir a toma de biométricos</translation>
    </message>
    <message>
        <source>IMPORTANTE: la información del SAE es la mandataria. Es posible que se actualice el grupo del alumno; en caso de no poder importar o actualizar, el sistema indica la razón.</source>
        <translation>IMPORTANTE: la información del SAE es la mandataria. Es posible que se actualice el grupo del alumno; en caso de no poder importar o actualizar, el sistema indica la razón.</translation>
    </message>
    <message>
        <source>Campo</source>
        <translation>Campo</translation>
    </message>
    <message>
        <source>SAE</source>
        <translation>SAE</translation>
    </message>
    <message>
        <source>Credencialización</source>
        <translation>Credencialización</translation>
    </message>
    <message>
        <source>Diferente en el SAE</source>
        <translation>Diferente en el SAE</translation>
    </message>
    <message>
        <source>El alumno no existe en la Base de Datos del sistema. Haga clic en «Importar» para agregarlo.</source>
        <translation>El alumno no existe en la Base de Datos del sistema. Haga clic en «Importar» para agregarlo.</translation>
    </message>
    <message>
        <source>El alumno ya existe. Las diferencias con el SAE están resaltadas; haga clic en «Actualizar» para tomar los datos del SAE.</source>
        <translation>El alumno ya existe. Las diferencias con el SAE están resaltadas; haga clic en «Actualizar» para tomar los datos del SAE.</translation>
    </message>
    <message>
        <source>El alumno ya existe y sus datos coinciden con el SAE.</source>
        <translation>El alumno ya existe y sus datos coinciden con el SAE.</translation>
    </message>
    <message>
        <source>importado</source>
        <translation>importado</translation>
    </message>
    <message>
        <source>actualizado</source>
        <translation>actualizado</translation>
    </message>
    <message>
        <source>Alumno {0} {1}: {2} (estatus «{3}»). Ya puede tomar sus biométricos.</source>
        <translation>Alumno {0} {1}: {2} (estatus «{3}»). Ya puede tomar sus biométricos.</translation>
    </message>
    <message>
        <source>Datos del SAE aplicados. Continúe con la toma de biométricos.</source>
        <translation>Datos del SAE aplicados. Continúe con la toma de biométricos.</translation>
    </message>
    <message>
        <source>Aplicando datos del SAE…</source>
        <translation>Aplicando datos del SAE…</translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <source>Servidor central</source>
        <translation>Servidor central</translation>
    </message>
    <message>
        <source>Escriba la dirección del servidor de credencialización que le dio la Dirección Estatal y pruebe la conexión.</source>
        <translation>Escriba la dirección del servidor de credencialización que le dio la Dirección Estatal y pruebe la conexión.</translation>
    </message>
    <message>
        <source>Probar conexión</source>
        <translation>Probar conexión</translation>
    </message>
    <message>
        <source>Opcional: ruta de un archivo PEM (p. ej. C:/credencializacion/ca.pem)</source>
        <translation>Opcional: ruta de un archivo PEM (p. ej. C:/credencializacion/ca.pem)</translation>
    </message>
    <message>
        <source>Si la Dirección Estatal le dio un certificado de su autoridad (CA), la estación confiará solo en él para el servidor central.</source>
        <translation>Si la Dirección Estatal le dio un certificado de su autoridad (CA), la estación confiará solo en él para el servidor central.</translation>
    </message>
    <message>
        <source>Dirección del servidor:</source>
        <translation>Dirección del servidor:</translation>
    </message>
    <message>
        <source>Certificado de CA:</source>
        <translation>Certificado de CA:</translation>
    </message>
    <message>
        <source>Dirección del servidor: {0}</source>
        <translation>Dirección del servidor: {0}</translation>
    </message>
    <message>
        <source>Certificado de CA: {0}</source>
        <translation>Certificado de CA: {0}</translation>
    </message>
    <message>
        <source>Probando la conexión con {0}…</source>
        <translation>Probando la conexión con {0}…</translation>
    </message>
    <message>
        <source>No se pudo conectar: {0}</source>
        <translation>No se pudo conectar: {0}</translation>
    </message>
    <message>
        <source>La dirección responde, pero no es un servidor de credencialización (respuesta inesperada de /health).</source>
        <translation>La dirección responde, pero no es un servidor de credencialización (respuesta inesperada de /health).</translation>
    </message>
    <message>
        <source>Conexión correcta con {0} (base de datos {1}).</source>
        <translation>Conexión correcta con {0} (base de datos {1}).</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <source>Pad Topaz (USB)</source>
        <translation>Pad Topaz (USB)</translation>
    </message>
    <message>
        <source>Pad Topaz vía SigWeb</source>
        <translation>Pad Topaz vía SigWeb</translation>
    </message>
    <message>
        <source>Pad en pantalla (mouse, táctil o lápiz)</source>
        <translation>Pad en pantalla (mouse, táctil o lápiz)</translation>
    </message>
    <message>
        <source>Pad Topaz virtual (demostración)</source>
        <translation>Pad Topaz virtual (demostración)</translation>
    </message>
    <message>
        <source>Ajustes y dispositivos</source>
        <translation>Ajustes y dispositivos</translation>
    </message>
    <message>
        <source>Elija y pruebe la cámara y el pad de firma de esta estación.</source>
        <translation>Elija y pruebe la cámara y el pad de firma de esta estación.</translation>
    </message>
    <message>
        <source>Cámara</source>
        <translation>Cámara</translation>
    </message>
    <message>
        <source>Cámara:</source>
        <translation>Cámara:</translation>
    </message>
    <message>
        <source>Buscar cámaras</source>
        <translation>Buscar cámaras</translation>
    </message>
    <message>
        <source>Probar cámara</source>
        <translation>Probar cámara</translation>
    </message>
    <message>
        <source>Sin imagen de prueba</source>
        <translation>Sin imagen de prueba</translation>
    </message>
    <message>
        <source>Pad de firma</source>
        <translation>Pad de firma</translation>
    </message>
    <message>
        <source>Pad:</source>
        <translation>Pad:</translation>
    </message>
    <message>
        <source>Probar pad</source>
        <translation>Probar pad</translation>
    </message>
    <message>
        <source>Impresión de la credencial temporal</source>
        <translation>Impresión de la credencial temporal</translation>
    </message>
    <message>
        <source>Impresora de tarjetas CR80 (Evolis, Zebra, Fargo): una tarjeta por página, frente y reverso</source>
        <translation>Impresora de tarjetas CR80 (Evolis, Zebra, Fargo): una tarjeta por página, frente y reverso</translation>
    </message>
    <message>
        <source>Sin marcar: hoja carta con marcas de corte, impresa al 100 %.</source>
        <translation>Sin marcar: hoja carta con marcas de corte, impresa al 100 %.</translation>
    </message>
    <message>
        <source>Guardar ajustes</source>
        <translation>Guardar ajustes</translation>
    </message>
    <message>
        <source>Asistente de configuración…</source>
        <translation>Asistente de configuración…</translation>
    </message>
    <message>
        <source>Servidor, registro de la estación, plantel, cámara y pad (requiere un usuario administrador).</source>
        <translation>Servidor, registro de la estación, plantel, cámara y pad (requiere un usuario administrador).</translation>
    </message>
    <message>
        <source>Configuración guardada; se aplicará al reiniciar la estación.</source>
        <translation>Configuración guardada; se aplicará al reiniciar la estación.</translation>
    </message>
    <message>
        <source>Foto de demostración (sin cámara)</source>
        <translation>Foto de demostración (sin cámara)</translation>
    </message>
    <message>
        <source>Archivo: {0}</source>
        <translation>Archivo: {0}</translation>
    </message>
    <message>
        <source>Cámara {0}</source>
        <translation>Cámara {0}</translation>
    </message>
    <message>
        <source> (no disponible)</source>
        <translation> (no disponible)</translation>
    </message>
    <message>
        <source>1 cámara encontrada.</source>
        <translation>1 cámara encontrada.</translation>
    </message>
    <message>
        <source>{0} cámaras encontradas.</source>
        <translation>{0} cámaras encontradas.</translation>
    </message>
    <message>
        <source>No se encontró ninguna cámara conectada.</source>
        <translation>No se encontró ninguna cámara conectada.</translation>
    </message>
    <message>
        <source>Buscando cámaras…</source>
        <translation>Buscando cámaras…</translation>
    </message>
    <message>
        <source>Cámara funcionando: imagen de {0}×{1} px.</source>
        <translation>Cámara funcionando: imagen de {0}×{1} px.</translation>
    </message>
    <message>
        <source>Probando cámara…</source>
        <translation>Probando cámara…</translation>
    </message>
    <message>
        <source>Ajustes guardados en {0}. Se usan desde la próxima toma.</source>
        <translation>Ajustes guardados en {0}. Se usan desde la próxima toma.</translation>
    </message>
    <message>
        <source>Guardando ajustes…</source>
        <translation>Guardando ajustes…</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Configuración de la estación de credencialización</source>
        <translation>Configuración de la estación de credencialización</translation>
    </message>
    <message>
        <source>Siguiente &gt;</source>
        <translation>Siguiente &gt;</translation>
    </message>
    <message>
        <source>&lt; Atrás</source>
        <translation>&lt; Atrás</translation>
    </message>
    <message>
        <source>Guardar</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>Cancelar</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>SignatureCanvas</name>
    <message>
        <source>Recuadro de firma</source>
        <translation>Recuadro de firma</translation>
    </message>
    <message>
        <source>Firme aquí</source>
        <translation>Firme aquí</translation>
    </message>
</context>
<context>
    <name>SignaturePanel</name>
    <message>
        <source>Limpiar</source>
        <translation>Limpiar</translation>
    </message>
    <message>
        <source>Capturar firma</source>
        <translation>Capturar firma</translation>
    </message>
    <message>
        <source>Firma capturada.</source>
        <translation>Firma capturada.</translation>
    </message>
    <message>
        <source>Pad Topaz (USB)</source>
        <translation>Pad Topaz (USB)</translation>
    </message>
    <message>
        <source>Pad Topaz virtual (demostración)</source>
        <translation>Pad Topaz virtual (demostración)</translation>
    </message>
    <message>
        <source>Pad Topaz vía SigWeb</source>
        <translation>Pad Topaz vía SigWeb</translation>
    </message>
    <message>
        <source>Pad en pantalla (mouse, táctil o lápiz)</source>
        <translation>Pad en pantalla (mouse, táctil o lápiz)</translation>
    </message>
    <message>
        <source>Pad en uso: {0}</source>
        <translation>Pad en uso: {0}</translation>
    </message>
</context>
<context>
    <name>StudentPanel</name>
    <message>
        <source>Sin fotografía</source>
        <translation>Sin fotografía</translation>
    </message>
    <message>
        <source>Sin firma</source>
        <translation>Sin firma</translation>
    </message>
    <message>
        <source>Fotografía:</source>
        <translation>Fotografía:</translation>
    </message>
    <message>
        <source>Firma:</source>
        <translation>Firma:</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <source>Resumen</source>
        <translation>Resumen</translation>
    </message>
    <message>
        <source>Revise los datos y pulse «Guardar» para escribir la configuración de la estación.</source>
        <translation>Revise los datos y pulse «Guardar» para escribir la configuración de la estación.</translation>
    </message>
    <message>
        <source>Servidor</source>
        <translation>Servidor</translation>
    </message>
    <message>
        <source>Estación</source>
        <translation>Estación</translation>
    </message>
    <message>
        <source>Llave de firma</source>
        <translation>Llave de firma</translation>
    </message>
    <message>
        <source>en el llavero del sistema; pública {0}…</source>
        <translation>en el llavero del sistema; pública {0}…</translation>
    </message>
    <message>
        <source>sin cambios</source>
        <translation>sin cambios</translation>
    </message>
    <message>
        <source>Plantel</source>
        <translation>Plantel</translation>
    </message>
    <message>
        <source>Cámara</source>
        <translation>Cámara</translation>
    </message>
    <message>
        <source>Pad de firma</source>
        <translation>Pad de firma</translation>
    </message>
    <message>
        <source>Archivo</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>No se pudo guardar la configuración: {0}</source>
        <translation>No se pudo guardar la configuración: {0}</translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>Sincronización</source>
        <translation>Sincronización</translation>
    </message>
    <message>
        <source>Estado del envío de capturas al servidor central y de la descarga de cambios.</source>
        <translation>Estado del envío de capturas al servidor central y de la descarga de cambios.</translation>
    </message>
    <message>
        <source>Estado</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Conexión:</source>
        <translation>Conexión:</translation>
    </message>
    <message>
        <source>Pendientes de enviar:</source>
        <translation>Pendientes de enviar:</translation>
    </message>
    <message>
        <source>Última sincronización correcta:</source>
        <translation>Última sincronización correcta:</translation>
    </message>
    <message>
        <source>Último error:</source>
        <translation>Último error:</translation>
    </message>
    <message>
        <source>Ronda actual:</source>
        <translation>Ronda actual:</translation>
    </message>
    <message>
        <source>Sincronizar ahora</source>
        <translation>Sincronizar ahora</translation>
    </message>
    <message>
        <source>Incidencias</source>
        <translation>Incidencias</translation>
    </message>
    <message>
        <source>Acciones que el servidor rechazó. Sus datos se conservan: un supervisor puede «Reintentar» (la acción se vuelve a aplicar sobre el registro actual) o «Descartar».</source>
        <translation>Acciones que el servidor rechazó. Sus datos se conservan: un supervisor puede «Reintentar» (la acción se vuelve a aplicar sobre el registro actual) o «Descartar».</translation>
    </message>
    <message>
        <source>Fecha</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Matrícula</source>
        <translation>Matrícula</translation>
    </message>
    <message>
        <source>Alumno</source>
        <translation>Alumno</translation>
    </message>
    <message>
        <source>Acción</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Usuario</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Razón del servidor</source>
        <translation>Razón del servidor</translation>
    </message>
    <message>
        <source>Reintentar</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Descartar</source>
        <translation>Descartar</translation>
    </message>
    <message>
        <source>Esta estación no tiene sincronización configurada.</source>
        <translation>Esta estación no tiene sincronización configurada.</translation>
    </message>
    <message>
        <source>Cargando incidencias…</source>
        <translation>Cargando incidencias…</translation>
    </message>
    <message>
        <source>En línea</source>
        <translation>En línea</translation>
    </message>
    <message>
        <source>Sin conexión</source>
        <translation>Sin conexión</translation>
    </message>
    <message>
        <source>Sin intentos todavía</source>
        <translation>Sin intentos todavía</translation>
    </message>
    <message>
        <source>{0} acciones; {1} incidencias</source>
        <translation>{0} acciones; {1} incidencias</translation>
    </message>
    <message>
        <source>Nunca</source>
        <translation>Nunca</translation>
    </message>
    <message>
        <source>Ninguno</source>
        <translation>Ninguno</translation>
    </message>
    <message>
        <source>Al día: no hay acciones pendientes</source>
        <translation>Al día: no hay acciones pendientes</translation>
    </message>
    <message>
        <source>En espera</source>
        <translation>En espera</translation>
    </message>
    <message>
        <source>Sincronización completa: {0} enviadas, {1} recibidas, {2} pendientes.</source>
        <translation>Sincronización completa: {0} enviadas, {1} recibidas, {2} pendientes.</translation>
    </message>
    <message>
        <source>La sincronización no terminó: {0}</source>
        <translation>La sincronización no terminó: {0}</translation>
    </message>
    <message>
        <source>Sincronizando…</source>
        <translation>Sincronizando…</translation>
    </message>
    <message>
        <source>Seleccione una incidencia de la lista.</source>
        <translation>Seleccione una incidencia de la lista.</translation>
    </message>
    <message>
        <source>Incidencia resuelta.</source>
        <translation>Incidencia resuelta.</translation>
    </message>
    <message>
        <source>La acción se volvió a poner en la cola de envío.</source>
        <translation>La acción se volvió a poner en la cola de envío.</translation>
    </message>
    <message>
        <source>Resolviendo incidencia…</source>
        <translation>Resolviendo incidencia…</translation>
    </message>
</context>
<context>
    <name>TypeForm</name>
    <message>
        <source>Documentos (PDF, JPEG, PNG, Excel o CSV; se revisan antes de enviar)</source>
        <extracomment>A chosen document was refused on the desk (Spanish message). field name → (field dict, widget)</extracomment>
        <translation>Documentos (PDF, JPEG, PNG, Excel o CSV; se revisan antes de enviar)</translation>
    </message>
    <message>
        <source>* obligatorio</source>
        <translation>* obligatorio</translation>
    </message>
</context>
<context>
    <name>ValidateScreen</name>
    <message>
        <source>Matrícula</source>
        <extracomment>Suggestions for «Institución médica» (free text is accepted). Table columns: (Student field used to sort, header).</extracomment>
        <translation>Matrícula</translation>
    </message>
    <message>
        <source>Nombre</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Primer apellido</source>
        <translation>Primer apellido</translation>
    </message>
    <message>
        <source>Segundo apellido</source>
        <translation>Segundo apellido</translation>
    </message>
    <message>
        <source>Estatus</source>
        <translation>Estatus</translation>
    </message>
    <message>
        <source>Validar biométricos y datos para impresión</source>
        <translation>Validar biométricos y datos para impresión</translation>
    </message>
    <message>
        <source>Elija el plantel y el grupo; revise cada alumno Capturado o Aplazado. Ya validado, el registro no se podrá cambiar: es la autorización para imprimir la credencial.</source>
        <translation>Elija el plantel y el grupo; revise cada alumno Capturado o Aplazado. Ya validado, el registro no se podrá cambiar: es la autorización para imprimir la credencial.</translation>
    </message>
    <message>
        <source>Plantel:</source>
        <extracomment>Vigencia typed for the last student, offered for the next one of the group.</extracomment>
        <translation>Plantel:</translation>
    </message>
    <message>
        <source>Grupo:</source>
        <translation>Grupo:</translation>
    </message>
    <message>
        <source>Mostrar:</source>
        <translation>Mostrar:</translation>
    </message>
    <message>
        <source>Alumnos capturados a validar</source>
        <translation>Alumnos capturados a validar</translation>
    </message>
    <message>
        <source>Validar alumno</source>
        <translation>Validar alumno</translation>
    </message>
    <message>
        <source>◀ Anterior</source>
        <translation>◀ Anterior</translation>
    </message>
    <message>
        <source>Siguiente ▶</source>
        <translation>Siguiente ▶</translation>
    </message>
    <message>
        <source>Biométricos y datos del alumno para impresión</source>
        <translation>Biométricos y datos del alumno para impresión</translation>
    </message>
    <message>
        <source>Evaluación</source>
        <translation>Evaluación</translation>
    </message>
    <message>
        <source>Validado</source>
        <translation>Validado</translation>
    </message>
    <message>
        <source>Aplazado</source>
        <translation>Aplazado</translation>
    </message>
    <message>
        <source>Obligatorio para «Aplazado»: qué debe corregirse.</source>
        <translation>Obligatorio para «Aplazado»: qué debe corregirse.</translation>
    </message>
    <message>
        <source>Institución médica:</source>
        <translation>Institución médica:</translation>
    </message>
    <message>
        <source>Número de afiliación:</source>
        <translation>Número de afiliación:</translation>
    </message>
    <message>
        <source>Vigencia (dd/mm/aaaa):</source>
        <translation>Vigencia (dd/mm/aaaa):</translation>
    </message>
    <message>
        <source>Evaluación:</source>
        <translation>Evaluación:</translation>
    </message>
    <message>
        <source>Comentario:</source>
        <translation>Comentario:</translation>
    </message>
    <message>
        <source>Al validar, el registro ya no podrá modificarse.</source>
        <translation>Al validar, el registro ya no podrá modificarse.</translation>
    </message>
    <message>
        <source>Guardar</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>Cancelar</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Todos los grupos</source>
        <extracomment>Asks before validating; tests may replace it. () → bool.</extracomment>
        <translation>Todos los grupos</translation>
    </message>
    <message>
        <source>Cargando grupos…</source>
        <translation>Cargando grupos…</translation>
    </message>
    <message>
        <source>Cargando alumnos…</source>
        <translation>Cargando alumnos…</translation>
    </message>
    <message>
        <source>1 alumno pendiente</source>
        <translation>1 alumno pendiente</translation>
    </message>
    <message>
        <source>{0} alumnos pendientes</source>
        <translation>{0} alumnos pendientes</translation>
    </message>
    <message>
        <source>Página {0} de {1} — {2}</source>
        <translation>Página {0} de {1} — {2}</translation>
    </message>
    <message>
        <source>No quedan alumnos pendientes en este grupo.</source>
        <translation>No quedan alumnos pendientes en este grupo.</translation>
    </message>
    <message>
        <source>Abriendo alumno…</source>
        <translation>Abriendo alumno…</translation>
    </message>
    <message>
        <source>Aplazado antes: {0}</source>
        <translation>Aplazado antes: {0}</translation>
    </message>
    <message>
        <source>Confirmar validación</source>
        <translation>Confirmar validación</translation>
    </message>
    <message>
        <source>Una vez validado, el registro de {0} ya no podrá modificarse y se autoriza la impresión de su credencial. ¿Desea validarlo?</source>
        <translation>Una vez validado, el registro de {0} ya no podrá modificarse y se autoriza la impresión de su credencial. ¿Desea validarlo?</translation>
    </message>
    <message>
        <source>Elija la evaluación: «Validado» o «Aplazado».</source>
        <translation>Elija la evaluación: «Validado» o «Aplazado».</translation>
    </message>
    <message>
        <source>Vigencia: {0}</source>
        <translation>Vigencia: {0}</translation>
    </message>
    <message>
        <source>Guardando evaluación…</source>
        <translation>Guardando evaluación…</translation>
    </message>
    <message>
        <source>{0} quedó «Validado». El registro ya no se puede modificar.</source>
        <translation>{0} quedó «Validado». El registro ya no se puede modificar.</translation>
    </message>
    <message>
        <source>{0} quedó «Aplazado» con su comentario.</source>
        <translation>{0} quedó «Aplazado» con su comentario.</translation>
    </message>
</context>
<context>
    <name>photo</name>
    <message>
        <source>Una persona</source>
        <extracomment>Photo check names (context «photo», as ui.widgets.photo_capture translates them).</extracomment>
        <translation>Una persona</translation>
    </message>
    <message>
        <source>Distancia</source>
        <translation>Distancia</translation>
    </message>
    <message>
        <source>Ojos visibles</source>
        <translation>Ojos visibles</translation>
    </message>
    <message>
        <source>Mirada al frente</source>
        <translation>Mirada al frente</translation>
    </message>
    <message>
        <source>Cabeza derecha</source>
        <translation>Cabeza derecha</translation>
    </message>
    <message>
        <source>Encuadre</source>
        <translation>Encuadre</translation>
    </message>
    <message>
        <source>Cabeza completa</source>
        <translation>Cabeza completa</translation>
    </message>
    <message>
        <source>Luz</source>
        <translation>Luz</translation>
    </message>
    <message>
        <source>Luz pareja</source>
        <translation>Luz pareja</translation>
    </message>
    <message>
        <source>Nitidez</source>
        <translation>Nitidez</translation>
    </message>
    <message>
        <source>Fondo liso</source>
        <translation>Fondo liso</translation>
    </message>
</context>
<context>
    <name>self.login</name>
    <message>
        <source>Demostración: usuario «{0}», contraseña «{1}».</source>
        <translation>Demostración: usuario «{0}», contraseña «{1}».</translation>
    </message>
    <message>
        <source>Preparando la demostración (servidor central embebido)…</source>
        <translation>Preparando la demostración (servidor central embebido)…</translation>
    </message>
    <message>
        <source>Preparando la demostración…</source>
        <translation>Preparando la demostración…</translation>
    </message>
    <message>
        <source>No se pudo abrir la estación: {0}</source>
        <translation>No se pudo abrir la estación: {0}</translation>
    </message>
    <message>
        <source>Abriendo la estación…</source>
        <translation>Abriendo la estación…</translation>
    </message>
    <message>
        <source>Demostración: usuario «supervisor» u «operador», contraseña «{0}».</source>
        <translation>Demostración: usuario «supervisor» u «operador», contraseña «{0}».</translation>
    </message>
</context>
</TS>
